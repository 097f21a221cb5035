using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace Collab.Gateway.Hosting;

/// <summary>
/// OpenTelemetry metrics, scraped at <c>/metrics</c> in Prometheus text format: the frameworks' own
/// instruments for HTTP requests (labelled by route template, never by path, so ids in URLs stay
/// out), Kestrel, SignalR connections, the .NET runtime and Orleans, and the gateway's own on the
/// <c>Collab</c> meter (<see cref="Operations.CollabMetrics"/>). Traces are exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// ASP.NET Core's meters that are exported: requests (<c>http.server.request.duration</c>, by
    /// route template and status, which also counts refusals by 401, 403, 429 and 503), Kestrel's
    /// connections, SignalR's connections and unhandled exceptions. Not its per-request or per-buffer
    /// meters (routing matches, rate-limiter leases, authentication and authorization results,
    /// the memory pool's rents), which <c>AddAspNetCoreInstrumentation</c> also adds: each recorded
    /// a measurement or several per request, 6 % of a gateway's CPU under REST commands, for
    /// figures the request duration and the <c>Collab</c> meter's own counters already give.
    /// </summary>
    public static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Diagnostics",
    ];

    public static WebApplicationBuilder AddCollabTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddRuntimeInstrumentation()
                .AddMeter([Operations.CollabMetrics.MeterName, "Microsoft.Orleans", .. FrameworkMeters])
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

    /// <summary>
    /// With <see cref="OperationsOptions.ManagementPort"/>: that port answers <c>/metrics</c>,
    /// <c>/dashboard</c> and <c>/health/*</c> only, and no other port answers <c>/metrics</c> or <c>/dashboard</c>. Decided by the port the
    /// request arrived on, not by its Host header, which a caller chooses.
    /// </summary>
    public static WebApplication UseManagementPort(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<OperationsOptions>>().Value.ManagementPort is not { } port)
        {
            return app;
        }

        app.Use((context, next) =>
        {
            var management = context.Connection.LocalPort == port;
            var path = context.Request.Path;
            var allowed = management
                ? path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health") || path.StartsWithSegments(DashboardPath)
                : !path.StartsWithSegments(MetricsPath) && !path.StartsWithSegments(DashboardPath);
            if (allowed)
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }

    private const string MetricsPath = "/metrics";
    private const string DashboardPath = "/dashboard";

    /// <summary>
    /// Orleans' dashboard, where <see cref="OperationsOptions.DashboardIsServed"/>: the management
    /// port is the operators' (a NetworkPolicy admits only the monitoring namespace; people reach
    /// it with <c>kubectl port-forward</c>, which the cluster's RBAC grants operators alone).
    /// </summary>
    public static IEndpointRouteBuilder MapDashboardEndpoint(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<OperationsOptions>>().Value.DashboardIsServed(app.Environment))
        {
            app.MapOrleansDashboard(DashboardPath).AllowAnonymous();
        }

        return app;
    }

    /// <summary><c>/metrics</c>: anonymous or operators only, as <see cref="OperationsOptions"/> says.</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this WebApplication app)
    {
        var metrics = app.MapPrometheusScrapingEndpoint(MetricsPath);
        if (app.Services.GetRequiredService<IOptions<OperationsOptions>>().Value.MetricsArePublic(app.Environment))
        {
            metrics.AllowAnonymous();
        }
        else
        {
            metrics.RequireAuthorization(Auth.Roles.OperatorOnly);
        }

        return app;
    }
}
