using Microsoft.Extensions.Options;

namespace Collab.Gateway.Realtime;

/// <summary>
/// Renews the gateway's observer registrations before they expire, and in passing repairs any
/// gap left by a lost push or by a grain that moved to another silo.
/// </summary>
internal sealed class StreamRenewal(LiveStreams streams, IOptions<GatewayRealtimeOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ResubscribeInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await streams.RenewAllAsync(stoppingToken);
        }
    }
}
