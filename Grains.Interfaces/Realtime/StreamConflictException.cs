namespace Collab.Realtime;

/// <summary>
/// A command lost a race for a stream's next sequence number (UNIQUE(stream, seq)) or for the
/// grain's snapshot (ETag): another activation wrote first. Nothing of the command was kept; the
/// grain re-reads on its next call, so the caller retries with the same idempotency key.
/// </summary>
[GenerateSerializer, Alias("collab.StreamConflictException")]
public sealed class StreamConflictException : Exception
{
    public StreamConflictException()
    {
    }

    public StreamConflictException(string message)
        : base(message)
    {
    }

    public StreamConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
