using Collab.Gateway.Wire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collab.Gateway.Operations;

/// <summary>The wiring of <see cref="GatewayDrain"/>: the service, its readiness check and the refusal of new hub connections.</summary>
public static class GatewayDrainExtensions
{
    /// <summary>The health-check tag of what only readiness asks (not startup).</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddGatewayDrain(this IServiceCollection services)
    {
        services.AddSingleton<GatewayDrain>();
        // Registered after the Orleans client: its Stopping runs before any hosted service stops anyway.
        services.AddHostedService(sp => sp.GetRequiredService<GatewayDrain>());
        services.AddHealthChecks().AddCheck<DrainHealthCheck>("drain", tags: [ReadyTag]);
        return services;
    }

    /// <summary>
    /// While draining, a hub negotiate or connect gets 503 problem details with <c>Retry-After</c>:
    /// the client goes to another gateway (the Service no longer routes to this one once readiness fails).
    /// </summary>
    public static IApplicationBuilder UseGatewayDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<GatewayDrain>();
        return app.Use(async (context, next) =>
        {
            if (drain.IsDraining && context.Request.Path.StartsWithSegments("/hubs"))
            {
                context.Response.Headers.RetryAfter = drain.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Problem(StatusCodes.Status503ServiceUnavailable, "draining", "This gateway is shutting down; connect to another one.")
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        });
    }

    private sealed class DrainHealthCheck(GatewayDrain drain) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy("The gateway is draining.") : HealthCheckResult.Healthy());
    }
}
