using Collab.Federation;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Federation;

/// <summary>One partner as operators see it: the outbound link (this city's outbox for it) and the inbound mirror (what it shares).</summary>
public sealed record PartnerStatus(string CityId, string Url, PartnerLinkHealth Outbound, PartnerMirrorStatus Inbound);

/// <summary>
/// Every partner's link and mirror, read from their grains: live for <c>GET /federation/v1/status</c>,
/// and every few seconds by <see cref="FederationStatusMonitor"/> for the <c>collab_federation_*</c>
/// gauges, which read the latest reading (a gauge is observed synchronously).
/// </summary>
public sealed class FederationStatus(IOptions<FederationOptions> options, IGrainFactory grains)
{
    private volatile IReadOnlyList<PartnerStatus> _latest = [];

    public bool Enabled => options.Value.Enabled;

    /// <summary>The last reading (empty before the first).</summary>
    public IReadOnlyList<PartnerStatus> Latest => _latest;

    public async Task<IReadOnlyList<PartnerStatus>> ReadAsync()
    {
        var reads = options.Value.Partners.OrderBy(p => p.Key, StringComparer.Ordinal).Select(async p =>
            new PartnerStatus(p.Key, p.Value.Url ?? "",
                await grains.GetGrain<IPartnerLinkGrain>(p.Key).GetHealthAsync(),
                await grains.GetGrain<IPartnerMirrorGrain>(p.Key).GetStatusAsync()));
        var statuses = await Task.WhenAll(reads);
        _latest = statuses;
        return statuses;
    }
}

/// <summary>Refreshes <see cref="FederationStatus"/> every <see cref="Period"/> while partners are configured.</summary>
internal sealed partial class FederationStatusMonitor(FederationStatus status, ILogger<FederationStatusMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!status.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                await status.ReadAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The cluster may not be reachable yet (or for a while): the gauges keep the last reading.
                LogFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the federation status ({Kind}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string kind, string reason);
}
