using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;
using Collab.Research;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Neighbourhoods;

/// <summary>
/// One neighbourhood: hears from its incidents, keeps the active ones and hourly counts (the last
/// 24 hours for its view; with response times, <c>Collab:Research:HistoryDays</c> of them for the
/// research aggregates), and emits <c>neighbourhood.incident_updated</c>; the public view carries
/// blurred locations.
/// </summary>
/// <remarks>
/// Journaled, as incidents are (<see cref="JournaledStream{TPayload}"/>). The state (up to 1,000
/// active incidents and the stream's latest 256 events) is large, and writing all of it for every
/// change made this grain the bottleneck of the push path. A commit appends only its own events
/// to the event log (PostgreSQL mode) and writes the whole state as a snapshot now and then: after
/// <see cref="SnapshotEvery"/> events (but not within <see cref="SnapshotFloor"/> of the last) and
/// on deactivation. A fresh activation completes the snapshot from the log. Memory mode has no log
/// and nothing outlives its silo anyway: the snapshot, on the same cadence, keeps the state across
/// deactivations, and between snapshots it lives in the activation.
/// </remarks>
internal sealed class NeighbourhoodGrain(
    [PersistentState("neighbourhood", StorageNames.Collab)] IPersistentState<NeighbourhoodState> state,
    CityMap map,
    IOptions<RealtimeOptions> realtime,
    IOptions<ResearchOptions> research,
    IEventLog eventLog,
    TimeProvider clock,
    ILogger<NeighbourhoodGrain> logger) : Grain, INeighbourhoodGrain
{
    // The stream keeps its latest events (older ones: clients re-read the snapshot, which is the
    // live picture anyway), counts are hourly, and versions are kept for active and recent
    // incidents only.
    private const int TimelineCapacity = 256;
    private const int MaxActive = 1_000;
    private const int MaxVersions = 2_000;
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>How long the hourly history (counts and response times) is kept: the research range's bound.</summary>
    private TimeSpan History => TimeSpan.FromDays(Math.Max(1, research.Value.HistoryDays));

    /// <summary>Events after which the next commit also writes the snapshot; bounds what an activation replays.</summary>
    private const int SnapshotEvery = 1_000;

    /// <summary>
    /// The least time between two snapshots while commits keep coming. A busy neighbourhood passes
    /// <see cref="SnapshotEvery"/> many times a second (an event per incident command), and its
    /// state (a thousand active incidents) is a megabyte: the load test saw thirteen such writes a
    /// second. With the log, an activation then replays at most this long's events.
    /// </summary>
    private static readonly TimeSpan SnapshotFloor = TimeSpan.FromSeconds(5);

    /// <summary>When the snapshot was last written, by the grain's clock.</summary>
    private DateTimeOffset _snapshotAt = DateTimeOffset.MinValue;

    private PendingBatch? _next;
    private Task _writing = Task.CompletedTask;

    /// <summary>Events applied since the snapshot was last written.</summary>
    private int _unsaved;

    private NeighbourhoodState S => state.State;
    /// <summary>Read once: Orleans decodes the key into a new string on every call.</summary>
    private string Slug => field ??= this.GetPrimaryKeyString();
    private NeighbourhoodInfo? Info => map.Find(Slug);

    private JournaledStream<IncidentChange> Stream => field ??= new(
        this, StreamNames.OfNeighbourhood(Slug), () => S.Timeline, TimelineCapacity, Project, eventLog, realtime.Value.ObserverExpiry, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _unsaved += await Stream.CatchUpAsync(Restore, cancellationToken);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A memory-mode silo that stops takes its storage with it: its storage grains deactivate
        // beside this one, and a write would only fail (loudly) on the way out.
        if (!Stream.IsJournaled && reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            return;
        }

        await SnapshotIfChangedAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    public Task<Outcome<NeighbourhoodView>> GetAsync(Audience audience)
    {
        if (Info is not { } info)
        {
            return Task.FromResult(Outcome<NeighbourhoodView>.Fail(CommandError.NotFound("neighbourhood-not-found", "No such neighbourhood.")));
        }

        var since = Hour(clock.GetUtcNow() - Window);
        var counts = S.Hourly
            .Where(h => h.Hour > since && h.Count > 0)
            .GroupBy(h => h.Category)
            .ToDictionary(g => g.Key, g => g.Sum(h => h.Count));
        var active = S.Active.Values
            .Select(c => audience == Audience.Public ? c.Public : c.Exact)
            .OrderByDescending(s => s.UpdatedAt)
            .ToList();
        return Task.FromResult(Outcome<NeighbourhoodView>.Ok(new NeighbourhoodView(info, audience, active, counts, S.Timeline.Head.For(audience))));
    }

    public Task<IReadOnlyList<HourlyHistory>> GetHistoryAsync(DateTimeOffset from, DateTimeOffset to)
    {
        IReadOnlyList<HourlyHistory> rows = Info is null
            ? []
            : S.Hourly
                .Where(h => h.Hour >= from && h.Hour < to)
                .Select(h => new HourlyHistory(
                    h.Hour, h.Category, h.Count,
                    h.Acknowledged?.ToTimes() ?? ResponseTimes.None,
                    h.Dispatched?.ToTimes() ?? ResponseTimes.None,
                    h.Resolved?.ToTimes() ?? ResponseTimes.None))
                .ToList();
        return Task.FromResult(rows);
    }

    public Task OnIncidentChangedAsync(IncidentChange change) => OnIncidentsChangedAsync([change]);

    /// <summary>
    /// Group commit: changes that arrive while a commit is in flight gather in the next one (this
    /// method interleaves, see <see cref="INeighbourhoodGrain.OnIncidentsChangedAsync"/>). One
    /// commit at a time; each caller returns once its changes are stored (logged) and pushed.
    /// </summary>
    public Task OnIncidentsChangedAsync(IReadOnlyList<IncidentChange> changes)
    {
        if (Info is null || changes.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (_next is { } open)
        {
            open.Changes.AddRange(changes);
            return open.Stored;
        }

        var batch = new PendingBatch();
        batch.Changes.AddRange(changes);
        _next = batch;
        batch.Stored = CommitAsync(batch, _writing);
        _writing = batch.Stored;
        return batch.Stored;
    }

    private async Task CommitAsync(PendingBatch batch, Task previous)
    {
        // One commit at a time: wait for the one in flight; its own callers saw how it ended.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (ReferenceEquals(_next, batch))
        {
            _next = null;
        }

        var now = clock.GetUtcNow();
        var entries = new List<TimelineEntry<IncidentChange>>(batch.Changes.Count);
        foreach (var change in batch.Changes)
        {
            if (ApplyToState(change, now))
            {
                entries.Add(Stream.Append(EventTypes.NeighbourhoodIncidentUpdated, WellKnownActors.Platform, Audience.Public, change, now, NeighbourhoodLogPayload.Write));
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        // The log append is the commit; the snapshot follows only every SnapshotEvery events.
        await Stream.CommitAsync(async () =>
        {
            _unsaved += entries.Count;
            if (_unsaved >= SnapshotEvery && now - _snapshotAt >= SnapshotFloor)
            {
                await SnapshotAsync();
            }
        });

        // One push per batch, in sequence order: a gateway gets one observer call for many events.
        Stream.Publish(entries);
    }

    /// <summary>Writes the snapshot if events came since the last one, in turn with the commits.</summary>
    private Task SnapshotIfChangedAsync(CancellationToken cancellationToken)
    {
        if (_unsaved == 0)
        {
            return Task.CompletedTask;
        }

        var previous = _writing;
        _writing = AfterAsync(previous);
        return _writing;

        async Task AfterAsync(Task before)
        {
            await before.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            if (_unsaved == 0)
            {
                return;
            }

            try
            {
                await SnapshotAsync();
            }
            catch (Exception ex)
            {
                // The events are in the log (or, in memory mode, nowhere else to go); a snapshot
                // that did not land, or landed unseen, leaves this activation's ETag unsure: re-read.
                Stream.DropActivation(ex);
            }
        }
    }

    private async Task SnapshotAsync()
    {
        Prune();
        var written = _unsaved;
        _snapshotAt = clock.GetUtcNow();
        await state.WriteStateAsync();

        // Events committed while it was written may be in it or not: they stay counted.
        _unsaved = Math.Max(0, _unsaved - written);
    }

    /// <summary>Re-applies a logged event that the snapshot missed.</summary>
    private TimelineEntry<IncidentChange> Restore(LoggedEvent row)
    {
        var entry = NeighbourhoodLogPayload.Read(row);
        ApplyToState(entry.Payload, row.OccurredAt);
        return entry;
    }

    /// <summary>Applies one change to the active incidents and counts; false when it is stale or repeated.</summary>
    private bool ApplyToState(IncidentChange change, DateTimeOffset now)
    {
        var id = change.Exact.Id;
        if (S.Versions.TryGetValue(id, out var seen) && seen >= change.Exact.Version)
        {
            return false;
        }

        var isNew = !S.Versions.ContainsKey(id);
        var before = S.Active.TryGetValue(id, out var previous) ? previous.Exact.Status : isNew ? IncidentStatus.Reported : (IncidentStatus?)null;
        S.Versions[id] = change.Exact.Version;
        if (change.Exact.IsActive)
        {
            S.Active[id] = change;
        }
        else
        {
            S.Active.Remove(id);
        }

        if (change.Exact.ReportedAt > now - History)
        {
            // A report counts once: when its incident is first heard of, unless that is a late change of an
            // incident whose version this grain forgot (those are closed, or no longer active).
            if (isNew && (change.Exact.Version <= 1 || change.Exact.Status == IncidentStatus.Reported))
            {
                BucketOf(change.Exact).Count++;
            }

            if (before is { } from && Stage(change.Exact.Status) is { } stage && Rank(change.Exact.Status) > Rank(from))
            {
                var bucket = BucketOf(change.Exact);
                var tally = stage switch
                {
                    IncidentStatus.Acknowledged => bucket.Acknowledged ??= new ResponseTally(),
                    IncidentStatus.Dispatched => bucket.Dispatched ??= new ResponseTally(),
                    _ => bucket.Resolved ??= new ResponseTally(),
                };
                tally.Add(change.Exact.UpdatedAt - change.Exact.ReportedAt);
            }
        }

        if (S.Active.Count > MaxActive + MaxActive / 10)
        {
            TrimActive();
        }

        return true;
    }

    /// <summary>The bucket of an incident's report hour and category, added when missing.</summary>
    private HourlyCount BucketOf(IncidentSummary incident)
    {
        var hour = Hour(incident.ReportedAt);
        var bucket = S.Hourly.FindLast(h => h.Hour == hour && h.Category == incident.Category); // recent hours are at the end
        if (bucket is null)
        {
            S.Hourly.Add(bucket = new HourlyCount { Hour = hour, Category = incident.Category });
        }

        return bucket;
    }

    /// <summary>The response stage a status marks (acknowledge, dispatch, resolve), or null.</summary>
    private static IncidentStatus? Stage(IncidentStatus status) =>
        status is IncidentStatus.Acknowledged or IncidentStatus.Dispatched or IncidentStatus.Resolved ? status : null;

    /// <summary>How far along the response an incident is; a stage is timed when an incident first moves past its previous one.</summary>
    private static int Rank(IncidentStatus status) => status switch
    {
        IncidentStatus.Reported => 0,
        IncidentStatus.Acknowledged => 1,
        IncidentStatus.Dispatched => 2,
        IncidentStatus.Resolved => 3,
        _ => 4,
    };

    /// <summary>Changes that the same commit will store.</summary>
    private sealed class PendingBatch
    {
        public List<IncidentChange> Changes { get; } = [];

        public Task Stored { get; set; } = Task.CompletedTask;
    }

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer) => Stream.SubscribeAsync(observer);

    public Task<StreamHead> FollowAsync(IStreamObserver observer, IReadOnlyList<Audience> audiences) => Stream.FollowAsync(observer, audiences);

    public Task UnsubscribeAsync(IStreamObserver observer) => Stream.UnsubscribeAsync(observer);

    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) =>
        Info is null ? Task.FromResult(StreamPage.NotFound) : Stream.ReadAsync(audience, afterSeq, max);

    private (EventActor, EventData) Project(TimelineEntry<IncidentChange> entry, Audience audience) =>
        (new EventActor(ActorRole.Operator, null), new NeighbourhoodIncidentUpdatedData(Slug, audience == Audience.Public ? entry.Payload.Public : entry.Payload.Exact));

    private static DateTimeOffset Hour(DateTimeOffset t) =>
        new(t.UtcDateTime.Year, t.UtcDateTime.Month, t.UtcDateTime.Day, t.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);

    private void Prune()
    {
        var since = Hour(clock.GetUtcNow() - History);
        S.Hourly.RemoveAll(h => h.Hour <= since);
        TrimActive();
        if (S.Versions.Count > MaxVersions)
        {
            // Forget versions of incidents that are neither active nor recent: their late changes are harmless.
            foreach (var key in S.Versions.Keys.Where(k => !S.Active.ContainsKey(k)).Take(S.Versions.Count - MaxVersions).ToList())
            {
                S.Versions.Remove(key);
            }
        }
    }

    /// <summary>Keeps the <see cref="MaxActive"/> most recently updated active incidents (with some slack between trims).</summary>
    private void TrimActive()
    {
        if (S.Active.Count > MaxActive)
        {
            foreach (var stale in S.Active.Values.OrderBy(c => c.Exact.UpdatedAt).Take(S.Active.Count - MaxActive).ToList())
            {
                S.Active.Remove(stale.Exact.Id);
            }
        }
    }
}
