namespace Collab.Realtime;

/// <summary>
/// The per-stream event log: a command's events are appended here before the grain writes its
/// snapshot and before it acknowledges, and a fresh activation completes its snapshot from here
/// (see <see cref="JournaledStream{TPayload}"/>). Appending only a command's own events, rather
/// than rewriting a large snapshot each time, keeps commits small. In memory mode the grain's own
/// timeline is the store and this is a no-op.
/// </summary>
public interface IEventLog
{
    /// <summary>False when the grain state is the only store (memory mode): nothing to append or catch up.</summary>
    bool IsDurable { get; }

    /// <summary>
    /// Appends <paramref name="events"/> atomically, all or none. Throws
    /// <see cref="StreamConflictException"/> when a sequence number is taken (a stale or
    /// duplicate activation wrote first): the caller must re-read, never fork history.
    /// </summary>
    Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> events of <paramref name="stream"/> with seq &gt; <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<LoggedEvent>> ReadAsync(string stream, long afterSeq, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erasure of a user's personal data, which must reach the log too, since a fresh activation
    /// restores names from it: replaces the acting user in every event of
    /// <paramref name="stream"/> whose payload's <c>actor.userId</c> is <paramref name="userId"/>
    /// with <paramref name="replacementActorJson"/>, and drops those events' <c>key</c> (an
    /// idempotency key scoped by the user id).
    /// </summary>
    Task EraseActorAsync(string stream, string userId, string replacementActorJson, CancellationToken cancellationToken = default);

    /// <summary>Removes a stream's rows altogether (a training exercise's incident, purged).</summary>
    Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default);
}
