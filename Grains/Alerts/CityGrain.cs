using Collab.Common;
using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Alerts;

/// <summary>The city stream: <c>alert.issued</c> for every alert, the same for every audience.</summary>
internal sealed class CityGrain(
    [PersistentState("city", StorageNames.Collab)] IPersistentState<CityState> state,
    IOptions<RealtimeOptions> realtime,
    TimeProvider clock,
    ILogger<CityGrain> logger) : Grain, ICityGrain
{
    private const int TimelineCapacity = 1_000;

    /// <summary>Kept in the snapshot only: alerts are rare, and each is also stored by its own grain.</summary>
    private JournaledStream<AlertView> Stream => field ??= new(
        this, StreamNames.TheCity, () => state.State.Timeline, TimelineCapacity, Project, log: null, realtime.Value.ObserverExpiry, logger);

    public async Task OnAlertIssuedAsync(AlertView alert)
    {
        if (state.State.Timeline.Entries.Exists(e => e.Payload.Id == alert.Id))
        {
            return;
        }

        var entry = Stream.Append(EventTypes.AlertIssued, WellKnownActors.Platform, Audience.Public, alert, clock.GetUtcNow());
        await Stream.CommitAsync(() => state.WriteStateAsync());
        Stream.Publish([entry]);
    }

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer) => Stream.SubscribeAsync(observer);

    public Task<StreamHead> FollowAsync(IStreamObserver observer, IReadOnlyList<Audience> audiences) => Stream.FollowAsync(observer, audiences);

    public Task UnsubscribeAsync(IStreamObserver observer) => Stream.UnsubscribeAsync(observer);

    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) => Stream.ReadAsync(audience, afterSeq, max);

    private static (EventActor, EventData) Project(TimelineEntry<AlertView> entry, Audience audience) =>
        (new EventActor(entry.Payload.SenderRole, null), new AlertIssuedData(entry.Payload));
}
