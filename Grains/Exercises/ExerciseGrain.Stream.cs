using Collab.Common;
using Collab.Realtime;

namespace Collab.Exercises;

/// <summary>
/// The exercise's stream, <c>exercise:{id}</c>: what trainees see live (its lifecycle, each step
/// played or refused, each inject), visible to council and police, each event carrying the
/// exercise's id. Kept in the snapshot only: the exercise's state is its truth, and an event is
/// published only once the state holding it is stored.
/// </summary>
internal sealed partial class ExerciseGrain
{
    private readonly List<TimelineEntry<ExerciseEventData>> _unpublished = [];

    private JournaledStream<ExerciseEventData> Stream => field ??= new(
        this, StreamNames.OfExercise(ExerciseId), () => S.Timeline, IExerciseGrain.ExerciseStreamCapacity, Project, log: null,
        realtime.Value.ObserverExpiry, logger)
    {
        Exercise = () => ExerciseId,
    };

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer) => Stream.SubscribeAsync(observer);

    public Task<StreamHead> FollowAsync(IStreamObserver observer, IReadOnlyList<Audience> audiences) => Stream.FollowAsync(observer, audiences);

    public Task UnsubscribeAsync(IStreamObserver observer) => Stream.UnsubscribeAsync(observer);

    /// <summary>An exercise never started has no stream: a reader is told so, as for an unknown incident.</summary>
    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) =>
        S.Started ? Stream.ReadAsync(audience, afterSeq, max) : Task.FromResult(StreamPage.NotFound);

    /// <summary>Appends an event on the exercise's stream; it is published by the next <see cref="SaveAsync"/>.</summary>
    private void Emit(string type, Actor actor, DateTimeOffset at, ExerciseStepData? step = null, string? text = null)
    {
        var played = step is { } s ? s.Index + 1 : S.NextStep;
        var data = new ExerciseEventData(S.Status, played, S.Scenario?.Steps.Count ?? 0, Math.Round(S.Elapsed(at), 3), step, text);
        _unpublished.Add(Stream.Append(type, actor, Audience.Council, data, at));
    }

    /// <summary>Stores the state, then publishes what was appended to the stream since the last save.</summary>
    private async Task SaveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Stream.CommitAsync(() => state.WriteStateAsync(cancellationToken));
            Stream.Publish(_unpublished);
        }
        finally
        {
            _unpublished.Clear();
        }
    }

    /// <summary>Who acted, by role and name (never a user id): the trainer, or "Exercise control" for the scenario's steps.</summary>
    private static (EventActor, EventData) Project(TimelineEntry<ExerciseEventData> entry, Audience audience) =>
        (new EventActor(entry.Actor.Role, entry.Actor.Name), entry.Payload);
}
