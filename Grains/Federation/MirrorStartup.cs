using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Federation;

/// <summary>
/// When a silo starts, each partner's mirror is asked to read back what it misses
/// (<see cref="IPartnerMirrorGrain.SyncAsync"/>): a city restarted on empty memory storage, or on a
/// database that lost something, is whole again without waiting for a partner's next change.
/// Every silo asks; the mirror runs one backfill at a time.
/// </summary>
internal static partial class MirrorStartup
{
    public static async Task SyncMirrorsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MirrorStartup));
        foreach (var partner in services.GetRequiredService<IOptions<FederationOptions>>().Value.Partners.Keys)
        {
            try
            {
                await grains.GetGrain<IPartnerMirrorGrain>(partner).SyncAsync();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The mirror's reminder, or the partner's next batch, brings it back later.
                LogFailed(logger, ex, partner);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start the backfill of partner {PartnerId}'s mirror")]
    private static partial void LogFailed(ILogger logger, Exception exception, string partnerId);
}
