using Microsoft.Extensions.Logging;

namespace Collab.Realtime;

/// <summary>The messages of <see cref="JournaledStream{TPayload}"/>, logged under the owning grain's category.</summary>
internal static partial class StreamLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Stream}: restored {Count} events from the log")]
    public static partial void CaughtUp(ILogger logger, string stream, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: a commit could not be stored; the activation re-reads on its next call")]
    public static partial void CommitFailed(ILogger logger, Exception exception, string stream);
}
