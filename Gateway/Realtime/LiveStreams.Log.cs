using Collab.Common;

namespace Collab.Gateway.Realtime;

public sealed partial class LiveStreams
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a batch of {Count} events: its source (kind '{Kind}') is not a stream name")]
    private static partial void LogUnknownSource(ILogger logger, string kind, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gap on {Stream} for {Audience}: delivered {Delivered}, received {Seq}; replaying")]
    private static partial void LogGap(ILogger logger, string stream, Audience audience, long delivered, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery on {Stream} failed; the next renewal repairs it")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing {Stream} failed; retrying on the next tick")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing {Stream} waited {Seconds} s for its gate; left to the next tick")]
    private static partial void LogRenewalHeldUp(ILogger logger, string stream, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unsubscribing from {Stream} failed; the registration will expire")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, string stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Stream}: {Max} batches already wait for delivery; dropped one (repaired from the stream later)")]
    private static partial void LogInboxFull(ILogger logger, string stream, int max);
}
