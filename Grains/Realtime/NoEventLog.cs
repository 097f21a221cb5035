namespace Collab.Realtime;

/// <summary>Memory mode: the timeline in grain state is the whole history, so there is nothing to log.</summary>
internal sealed class NoEventLog : IEventLog
{
    public bool IsDurable => false;

    public Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(string stream, long afterSeq, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LoggedEvent>>([]);

    public Task EraseActorAsync(string stream, string userId, string replacementActorJson, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task DeleteStreamAsync(string stream, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
