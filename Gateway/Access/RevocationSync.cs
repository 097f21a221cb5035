using Collab.Gateway.Realtime;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Access;

/// <summary>Keeps the gateway's revocation observer registered, and the list complete after any missed push.</summary>
internal sealed partial class RevocationSync(RevocationList revocations, IOptions<GatewayRealtimeOptions> options, ILogger<RevocationSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ResubscribeInterval);
        do
        {
            try
            {
                await revocations.SyncAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSyncFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading revocations failed; retrying on the next tick")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
