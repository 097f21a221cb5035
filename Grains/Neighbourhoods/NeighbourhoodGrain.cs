using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Neighbourhoods;

/// <summary>
/// One neighbourhood: hears from its incidents, keeps the active ones and 24-hour counts, and
/// emits <c>neighbourhood.incident_updated</c>; the public view carries blurred locations.
/// </summary>
internal sealed class NeighbourhoodGrain(
    [PersistentState("neighbourhood", StorageNames.Collab)] IPersistentState<NeighbourhoodState> state,
    CityMap map,
    IOptions<RealtimeOptions> realtime,
    TimeProvider clock,
    ILogger<NeighbourhoodGrain> logger) : Grain, INeighbourhoodGrain
{
    // Every change writes the whole state, so it stays small: the stream keeps its latest events
    // (older ones: clients re-read the snapshot, which is the live picture anyway), counts are
    // hourly, and versions are kept for active and recent incidents only.
    private const int TimelineCapacity = 256;
    private const int MaxActive = 1_000;
    private const int MaxVersions = 2_000;
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private static readonly Actor System = new(ActorRole.Operator, "system", null, "en");

    /// <summary>Most changes one write stores; bounds a commit's work and its push.</summary>
    private const int MaxBatch = 256;

    private readonly StreamPublisher _publisher = new(realtime.Value.ObserverExpiry, logger);
    private PendingBatch? _next;
    private Task _writing = Task.CompletedTask;
    private NeighbourhoodState S => state.State;
    private string Slug => this.GetPrimaryKeyString();
    private string StreamName => $"neighbourhood:{Slug}";
    private NeighbourhoodInfo? Info => map.Find(Slug);

    public Task<Outcome<NeighbourhoodView>> GetAsync(Audience audience)
    {
        if (Info is not { } info)
        {
            return Task.FromResult(Outcome<NeighbourhoodView>.Fail(CommandError.NotFound("neighbourhood-not-found", "No such neighbourhood.")));
        }

        var since = Hour(clock.GetUtcNow() - Window);
        var counts = S.Hourly
            .Where(h => h.Hour > since)
            .GroupBy(h => h.Category)
            .ToDictionary(g => g.Key, g => g.Sum(h => h.Count));
        var active = S.Active.Values
            .Select(c => audience == Audience.Public ? c.Public : c.Exact)
            .OrderByDescending(s => s.UpdatedAt)
            .ToList();
        return Task.FromResult(Outcome<NeighbourhoodView>.Ok(new NeighbourhoodView(info, audience, active, counts, S.Timeline.Head.For(audience))));
    }

    /// <summary>
    /// Group commit. Every change used to cost one write of the whole state (timeline, active
    /// incidents, recent reports): under load the neighbourhood became the bottleneck of the push
    /// path. Now a change joins the batch that the next write stores. This method interleaves (see
    /// <see cref="INeighbourhoodGrain.OnIncidentChangedAsync"/>), so while one write is in flight the
    /// changes arriving meanwhile gather in the next batch; when idle a change is written at once.
    /// Still one state write at a time, changes are applied only inside the commit, and each caller
    /// returns only once its change is stored and published, as before.
    /// </summary>
    public Task OnIncidentChangedAsync(IncidentChange change)
    {
        if (Info is null)
        {
            return Task.CompletedTask;
        }

        if (_next is { } open && open.Changes.Count < MaxBatch)
        {
            open.Changes.Add(change);
            return open.Stored;
        }

        var batch = new PendingBatch();
        batch.Changes.Add(change);
        _next = batch;
        batch.Stored = CommitAsync(batch, _writing);
        _writing = batch.Stored;
        return batch.Stored;
    }

    private async Task CommitAsync(PendingBatch batch, Task previous)
    {
        // One write at a time: wait for the one in flight; its own callers saw how it ended.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (ReferenceEquals(_next, batch))
        {
            _next = null;
        }

        var entries = new List<TimelineEntry<IncidentChange>>(batch.Changes.Count);
        foreach (var change in batch.Changes)
        {
            if (Apply(change) is { } entry)
            {
                entries.Add(entry);
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        Prune();
        await state.WriteStateAsync();

        // One push per batch, in sequence order: a gateway gets one observer call for many events.
        _publisher.Publish(StreamName, entries, S.Timeline.Head, Project);
    }

    /// <summary>Applies one change to the state; null when it is stale or repeated.</summary>
    private TimelineEntry<IncidentChange>? Apply(IncidentChange change)
    {
        var id = change.Exact.Id;
        if (S.Versions.TryGetValue(id, out var seen) && seen >= change.Exact.Version)
        {
            return null;
        }

        var isNew = !S.Versions.ContainsKey(id);
        S.Versions[id] = change.Exact.Version;
        if (change.Exact.IsActive)
        {
            S.Active[id] = change;
        }
        else
        {
            S.Active.Remove(id);
        }

        if (isNew && change.Exact.ReportedAt > clock.GetUtcNow() - Window)
        {
            var hour = Hour(change.Exact.ReportedAt);
            var bucket = S.Hourly.Find(h => h.Hour == hour && h.Category == change.Exact.Category);
            if (bucket is null)
            {
                S.Hourly.Add(bucket = new HourlyCount { Hour = hour, Category = change.Exact.Category });
            }

            bucket.Count++;
        }

        return S.Timeline.Append(EventTypes.NeighbourhoodIncidentUpdated, System, Audience.Public, change, clock.GetUtcNow(), TimelineCapacity);
    }

    /// <summary>Changes that the same state write will store.</summary>
    private sealed class PendingBatch
    {
        public List<IncidentChange> Changes { get; } = [];

        public Task Stored { get; set; } = Task.CompletedTask;
    }

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer)
    {
        _publisher.Subscribe(observer);
        return Task.FromResult(S.Timeline.Head);
    }

    public Task UnsubscribeAsync(IStreamObserver observer)
    {
        _publisher.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) =>
        Task.FromResult(Info is null
            ? StreamPage.NotFound
            : S.Timeline.Read(audience, afterSeq, Math.Clamp(max, 1, 1_000), Project));

    private StreamEvent Project(TimelineEntry<IncidentChange> entry, Audience audience, long seq)
    {
        var incident = audience == Audience.Public ? entry.Payload.Public : entry.Payload.Exact;
        return new StreamEvent(StreamName, seq, entry.Id, entry.Type, entry.OccurredAt, new EventActor(ActorRole.Operator, null), new NeighbourhoodIncidentUpdatedData(Slug, incident));
    }

    private static DateTimeOffset Hour(DateTimeOffset t) =>
        new(t.UtcDateTime.Year, t.UtcDateTime.Month, t.UtcDateTime.Day, t.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);

    private void Prune()
    {
        var since = Hour(clock.GetUtcNow() - Window);
        S.Hourly.RemoveAll(h => h.Hour <= since);

        if (S.Active.Count > MaxActive)
        {
            foreach (var stale in S.Active.Values.OrderBy(c => c.Exact.UpdatedAt).Take(S.Active.Count - MaxActive).ToList())
            {
                S.Active.Remove(stale.Exact.Id);
            }
        }

        if (S.Versions.Count > MaxVersions)
        {
            // Forget versions of incidents that are neither active nor recent: their late changes are harmless.
            foreach (var key in S.Versions.Keys.Where(k => !S.Active.ContainsKey(k)).Take(S.Versions.Count - MaxVersions).ToList())
            {
                S.Versions.Remove(key);
            }
        }
    }
}
