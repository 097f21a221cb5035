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
    private static readonly Actor System = new(ActorRole.Operator, "system", null, "en");
    private readonly StreamPublisher _publisher = new(realtime.Value.ObserverExpiry, logger);

    public async Task OnAlertIssuedAsync(AlertView alert)
    {
        if (state.State.Timeline.Entries.Exists(e => e.Payload.Id == alert.Id))
        {
            return;
        }

        var entry = state.State.Timeline.Append(EventTypes.AlertIssued, System, Audience.Public, alert, clock.GetUtcNow(), TimelineCapacity);
        await state.WriteStateAsync();
        _publisher.Publish("city", [entry], state.State.Timeline.Head, Project);
    }

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer)
    {
        _publisher.Subscribe(observer);
        return Task.FromResult(state.State.Timeline.Head);
    }

    public Task UnsubscribeAsync(IStreamObserver observer)
    {
        _publisher.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) =>
        Task.FromResult(state.State.Timeline.Read(audience, afterSeq, Math.Clamp(max, 1, 1_000), Project));

    private static StreamEvent Project(TimelineEntry<AlertView> entry, Audience audience, long seq) =>
        new("city", seq, entry.Id, entry.Type, entry.OccurredAt, new EventActor(entry.Payload.SenderRole, null), new AlertIssuedData(entry.Payload));
}
