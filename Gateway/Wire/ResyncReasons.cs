namespace Collab.Gateway.Wire;

/// <summary>The <c>reason</c> of a <see cref="ResyncNotice"/>: part of the hub contract, spelled as the README lists them.</summary>
public static class ResyncReasons
{
    /// <summary>The events after the client's last one are no longer retained (or too many to replay).</summary>
    public const string HistoryUnavailable = "history-unavailable";

    /// <summary>The client resumed after a sequence number the stream has not reached for its audience.</summary>
    public const string AheadOfStream = "ahead-of-stream";
}
