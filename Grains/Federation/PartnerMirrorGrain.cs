using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Federation;

/// <summary>
/// What one partner shares with this city. Applies the partner's outbox in order, each seq once:
/// a duplicate batch changes nothing, a batch that skips ahead is refused with the seq to resume
/// after, and a new epoch (the partner's outbox restarted empty) starts over from its first event.
/// Every applied change is kept (active incidents, bounded) and published on <c>partner:{cityId}</c>,
/// visible to the audience whose view the partner shares (public, or council and police).
/// Snapshot only: a batch is one write, and the partner's outbox is what a lost snapshot is
/// repaired from (the next batch is refused, and the partner resends).
/// </summary>
internal sealed partial class PartnerMirrorGrain(
    [PersistentState("partner-mirror", StorageNames.Collab)] IPersistentState<PartnerMirrorState> state,
    IOptions<FederationOptions> options,
    IOptions<RealtimeOptions> realtime,
    ILogger<PartnerMirrorGrain> logger) : Grain, IPartnerMirrorGrain
{
    private const int TimelineCapacity = 1_000;

    private PartnerMirrorState S => state.State;
    private string PartnerId => this.GetPrimaryKeyString();

    private JournaledStream<SharedChange> Stream => field ??= new(
        this, StreamNames.OfPartner(PartnerId), () => S.Timeline, TimelineCapacity, Project, log: null, realtime.Value.ObserverExpiry, logger);

    public async Task<InboundResult> ApplyAsync(FederatedBatch batch)
    {
        if (batch.Origin != PartnerId)
        {
            throw new ArgumentException($"A batch of '{batch.Origin}' sent to the mirror of '{PartnerId}'.", nameof(batch));
        }

        if (batch.Epoch != S.Epoch)
        {
            // The partner's outbox started over (or this mirror did): count from its start again.
            if (S.Epoch is not null)
            {
                LogNewEpoch(logger, PartnerId, batch.Epoch);
            }

            S.Epoch = batch.Epoch;
            S.AppliedThrough = 0;
        }

        var events = batch.Events;
        if (events.Count == 0 || events[^1].Seq <= S.AppliedThrough)
        {
            return new InboundResult(true, S.AppliedThrough, 0);
        }

        var expected = S.AppliedThrough + 1;
        if (events[0].Seq > expected)
        {
            if (events[0].Seq != batch.RetainedFrom)
            {
                return new InboundResult(false, S.AppliedThrough, 0);
            }

            // The partner no longer keeps what this mirror misses: take what it has, say what is lost.
            LogLost(logger, PartnerId, expected, batch.RetainedFrom - 1);
        }

        var entries = new List<TimelineEntry<SharedChange>>();
        foreach (var e in events.Where(e => e.Seq > S.AppliedThrough))
        {
            var incident = e.Incident with { Origin = PartnerId };
            if (incident.Status is IncidentStatus.Reported or IncidentStatus.Acknowledged or IncidentStatus.Dispatched)
            {
                S.Incidents[incident.Id] = incident;
            }
            else
            {
                S.Incidents.Remove(incident.Id);
            }

            var visibility = incident.Audience == Audience.Public ? Audience.Public : Audience.Council;
            entries.Add(Stream.Append(EventTypes.PartnerIncidentUpdated, WellKnownActors.Platform, visibility,
                new SharedChange(e.Id, e.Type, e.OccurredAt, incident), e.OccurredAt));
        }

        S.AppliedThrough = events[^1].Seq;
        S.SharedAudience = batch.Audience;
        Bound();
        await Stream.CommitAsync(() => state.WriteStateAsync());
        Stream.Publish(entries);
        return new InboundResult(true, S.AppliedThrough, entries.Count);
    }

    public Task<IReadOnlyList<SharedIncident>> GetIncidentsAsync(Audience audience) =>
        Task.FromResult<IReadOnlyList<SharedIncident>>(S.Incidents.Values
            .Where(i => audience >= (i.Audience == Audience.Public ? Audience.Public : Audience.Council))
            .OrderByDescending(i => i.UpdatedAt)
            .ToList());

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer) => Stream.SubscribeAsync(observer);

    public Task UnsubscribeAsync(IStreamObserver observer) => Stream.UnsubscribeAsync(observer);

    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) => Stream.ReadAsync(audience, afterSeq, max);

    /// <summary>Keeps the most recently updated incidents within <see cref="FederationOptions.MirrorCapacity"/>.</summary>
    private void Bound()
    {
        var excess = S.Incidents.Count - options.Value.MirrorCapacity;
        if (excess <= 0)
        {
            return;
        }

        foreach (var id in S.Incidents.Values.OrderBy(i => i.UpdatedAt).Take(excess).Select(i => i.Id).ToList())
        {
            S.Incidents.Remove(id);
        }
    }

    private static (EventActor, EventData) Project(TimelineEntry<SharedChange> entry, Audience audience) =>
        (new EventActor(ActorRole.Operator, null), new PartnerIncidentData(entry.Payload.Type, entry.Payload.Incident));

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId} started a new outbox epoch {Epoch}")]
    private static partial void LogNewEpoch(ILogger logger, string partnerId, string epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner {PartnerId} no longer keeps events {From}..{Through}; they are skipped")]
    private static partial void LogLost(ILogger logger, string partnerId, long from, long through);
}
