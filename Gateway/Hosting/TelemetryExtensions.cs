using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Collab.Gateway.Hosting;

/// <summary>
/// OpenTelemetry metrics (scraped at <c>/metrics</c> in Prometheus text format) and traces
/// (exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set). Labels never carry
/// personal data: only routes, status codes, stream kinds and audiences.
/// </summary>
public static class TelemetryExtensions
{
    public const string MeterName = "Collab";

    public static WebApplicationBuilder AddCollabTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());
        if (otlp)
        {
            // Only with somewhere to send them: a listened-to source makes every request and grain
            // call allocate an Activity, which the load test showed on the command path.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.RecordException = true)
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddOtlpExporter());
        }
        return builder;
    }

    public static IEndpointRouteBuilder MapMetricsEndpoint(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
