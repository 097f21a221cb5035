using Collab.Gateway.Auth;
using Collab.Gateway.Realtime;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Operations;

/// <summary>
/// <c>GET /api/operator/status</c> (operators): the cluster at a glance for the operator console,
/// read when asked: the active silos from Orleans' membership with their latest runtime statistics
/// (activations, connected clients, i.e. gateways, CPU, memory), and this gateway's own hub
/// connections, subscriptions, followed streams and deliveries. Partner links are
/// <c>GET /api/partners</c>; the full series are <c>/metrics</c>.
/// </summary>
public static class ClusterStatusApi
{
    public static IEndpointRouteBuilder MapClusterStatusApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/operator").WithTags("Operations").RequireAuthorization(Roles.OperatorOnly);
        group.MapGet("/status", GetClusterStatus).WithName("GetClusterStatus");
        return app;
    }

    private static async Task<Ok<ClusterStatusResponse>> GetClusterStatus(
        IGrainFactory grains, HubConnections connections, LiveStreams streams, CollabMetrics metrics, GatewayDrain drain, TimeProvider clock)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var stats = hosts.Length == 0 ? [] : await management.GetRuntimeStatistics(hosts.Select(h => h.SiloAddress).ToArray());
        var silos = hosts.Select((h, i) =>
        {
            var s = i < stats.Length ? stats[i] : null;
            return new SiloStatusDto(
                h.SiloAddress.ToParsableString(),
                h.SiloName ?? h.HostName ?? "",
                h.Status.ToString().ToLowerInvariant(),
                WireFormat.Time(new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc))),
                s?.ActivationCount,
                s is null ? null : (int)s.ClientCount,
                s?.EnvironmentStatistics.FilteredCpuUsagePercentage,
                s?.EnvironmentStatistics.FilteredMemoryUsageBytes,
                s?.IsOverloaded);
        }).OrderBy(s => s.Address, StringComparer.Ordinal).ToList();

        var gateway = new GatewayStatusDto(
            connections.Count,
            streams.SubscriptionsByKind().ToDictionary(k => k.Kind, k => k.Count),
            streams.FollowedByKind().ToDictionary(k => k.Kind, k => k.Count),
            metrics.DeliveredTotal,
            drain.IsDraining);
        return TypedResults.Ok(new ClusterStatusResponse(gateway, silos, WireFormat.Time(clock.GetUtcNow())));
    }
}
