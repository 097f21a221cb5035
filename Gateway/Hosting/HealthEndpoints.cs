using Collab.Common;
using Collab.Gateway.Operations;
using Collab.Neighbourhoods;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collab.Gateway.Hosting;

/// <summary><c>/health/startup</c>, <c>/health/ready</c> (the cluster answers and the gateway is not draining) and <c>/health/live</c> (the process runs).</summary>
public static class HealthEndpoints
{
    private const string ClusterTag = "cluster";

    public static IServiceCollection AddCollabHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [ClusterTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ClusterTag) }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ClusterTag) || c.Tags.Contains(GatewayDrainExtensions.ReadyTag) }).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        return app;
    }

    /// <summary>Ready when a grain call round-trips within two seconds.</summary>
    private sealed class ClusterHealthCheck(IGrainFactory grains, CityMap map) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var slug = map.All[0].Slug;
                await grains.GetGrain<INeighbourhoodGrain>(slug).ReadAsync(Audience.Public, long.MaxValue - 1, 1).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("The cluster does not answer.", ex);
            }
        }
    }
}
