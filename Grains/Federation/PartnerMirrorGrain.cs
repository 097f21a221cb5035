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
/// Every applied change is kept (the latest view of each incident, active or not, bounded) and published on <c>partner:{cityId}</c>,
/// visible to the audience whose view the partner shares (public, or council and police).
/// Snapshot only, written every <see cref="SnapshotEvery"/> events, every <see cref="SnapshotPeriod"/>
/// while changed and on deactivation (rewriting the state on every batch cost the receiving city
/// most of its CPU at a few hundred events/s). The partner's outbox is what a lost snapshot is
/// repaired from: a mirror that comes back behind what it acknowledged answers the partner's next
/// batch with where it is, the partner resumes there, and since applying is a function of the
/// partner's events in order, the events re-applied take the same seqs on <c>partner:{cityId}</c>
/// as before (a subscriber that had seen them resumes ahead of the stream and re-reads). The mirror repairs itself too: on a gap, after a start (a startup task calls
/// <see cref="SyncAsync"/>) and on a periodic reminder it reads back what it misses from the partner
/// (<c>GET /federation/v1/streams/{cityId}?afterSeq=N</c>), so a mirror that came back empty is whole
/// again without waiting for the partner's next change.
/// </summary>
internal sealed partial class PartnerMirrorGrain(
    [PersistentState("partner-mirror", StorageNames.Collab)] IPersistentState<PartnerMirrorState> state,
    IOptions<FederationOptions> options,
    IOptions<RealtimeOptions> realtime,
    FederationClient client,
    TimeProvider clock,
    ILogger<PartnerMirrorGrain> logger) : Grain, IPartnerMirrorGrain, IRemindable
{
    private const int TimelineCapacity = 1_000;
    private const int SnapshotEvery = 1_000;
    private static readonly TimeSpan SnapshotPeriod = TimeSpan.FromSeconds(2);
    private const string ReminderName = "federation-backfill";

    /// <summary>Pages read back in one tick, so a long backfill lets the partner's own deliveries in between.</summary>
    private const int PagesPerTick = 10;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>One batch applied at a time, whether the partner posted it or the backfill read it (which runs interleaved).</summary>
    private readonly SemaphoreSlim _applying = new(1, 1);
    private IGrainTimer? _sync;
    private bool _reminderSet;
    private bool _syncing;
    private int _failures;
    private DateTimeOffset _nextAttempt;
    private int _unsaved;

    private PartnerMirrorState S => state.State;
    private string PartnerId => this.GetPrimaryKeyString();
    private PartnerOptions? Partner => options.Value.Partners.GetValueOrDefault(PartnerId);

    /// <summary>The last backfill attempt and its error (null when it succeeded); for the operators' status.</summary>
    private (DateTimeOffset? At, string? Error) _lastSync;

    private JournaledStream<SharedChange> Stream => field ??= new(
        this, StreamNames.OfPartner(PartnerId), () => S.Timeline, TimelineCapacity, Project, log: null, realtime.Value.ObserverExpiry, logger);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(SnapshotIfChangedAsync, new GrainTimerCreationOptions(SnapshotPeriod, SnapshotPeriod));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await SnapshotIfChangedAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

    public async Task<InboundResult> ApplyAsync(FederatedBatch batch)
    {
        await _applying.WaitAsync();
        try
        {
            return await ApplyOneAsync(batch);
        }
        finally
        {
            _applying.Release();
        }
    }

    public Task<IReadOnlyList<SharedIncident>> GetIncidentsAsync(Audience audience) =>
        Task.FromResult<IReadOnlyList<SharedIncident>>(S.Incidents.Values
            .Where(i => IsActive(i) && MaySee(audience, i))
            .OrderByDescending(i => i.UpdatedAt)
            .ToList());

    public Task<SharedIncident?> GetIncidentAsync(string id, Audience audience) =>
        Task.FromResult(S.Incidents.GetValueOrDefault(id) is { } incident && MaySee(audience, incident) ? incident : null);

    public async Task SyncAsync()
    {
        StartSync();
        if (!_reminderSet && Partner is not null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _reminderSet = true;
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderSet = true;
        StartSync();
        return Task.CompletedTask;
    }

    public Task<PartnerMirrorStatus> GetStatusAsync() =>
        Task.FromResult(new PartnerMirrorStatus(PartnerId, S.Epoch, S.AppliedThrough, S.LastAppliedAt, _lastSync.At, _lastSync.Error));

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer) => Stream.SubscribeAsync(observer);

    public Task<StreamHead> FollowAsync(IStreamObserver observer, IReadOnlyList<Audience> audiences) => Stream.FollowAsync(observer, audiences);

    public Task UnsubscribeAsync(IStreamObserver observer) => Stream.UnsubscribeAsync(observer);

    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) => Stream.ReadAsync(audience, afterSeq, max);

    private async Task<InboundResult> ApplyOneAsync(FederatedBatch batch)
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
                // A gap: the sender resumes after what was applied, and this mirror reads back meanwhile.
                StartSync();
                return new InboundResult(false, S.AppliedThrough, 0);
            }

            // The partner no longer keeps what this mirror misses: take what it has, say what is lost.
            LogLost(logger, PartnerId, expected, batch.RetainedFrom - 1);
        }

        var entries = new List<TimelineEntry<SharedChange>>();
        foreach (var e in events.Where(e => e.Seq > S.AppliedThrough))
        {
            var incident = e.Incident with { Origin = PartnerId };
            if (e.Type == EventTypes.ExerciseIncidentPurged && incident.Exercise is not null)
            {
                Forget(incident);
            }
            else
            {
                S.Incidents[incident.Id] = incident;
                if (e.Type == EventTypes.ReporterErased)
                {
                    Anonymise(incident);
                }
            }

            var visibility = Visibility(incident);
            entries.Add(Stream.Append(EventTypes.PartnerIncidentUpdated, WellKnownActors.Platform, visibility,
                new SharedChange(e.Id, e.Type, e.OccurredAt, incident), e.OccurredAt));
        }

        S.AppliedThrough = events[^1].Seq;
        S.SharedAudience = batch.Audience;
        S.LastAppliedAt = clock.GetUtcNow();
        Bound();
        _unsaved += entries.Count;
        await Stream.CommitAsync(() => _unsaved >= SnapshotEvery ? SnapshotAsync() : Task.CompletedTask);
        Stream.Publish(entries);
        return new InboundResult(true, S.AppliedThrough, entries.Count);
    }

    private async Task SnapshotIfChangedAsync(CancellationToken cancellationToken)
    {
        if (_unsaved > 0)
        {
            await SnapshotAsync();
        }
    }

    private async Task SnapshotAsync()
    {
        await state.WriteStateAsync();
        _unsaved = 0;
    }

    private void StartSync() =>
        // Interleaving: the HTTP read must not hold up the partner's own deliveries; applying is
        // one batch at a time all the same (_applying).
        _sync ??= Partner is null ? null
            : this.RegisterGrainTimer(BackfillAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Tick) { Interleave = true, KeepAlive = true });

    /// <summary>
    /// One tick of a backfill: reads pages after what was applied until the partner has nothing more
    /// (its head is applied) or <see cref="PagesPerTick"/> pages; on a failure waits 1 s, 2 s, 4 s...
    /// up to <see cref="FederationOptions.MaxBackoff"/>. The partner's answer names its epoch: when
    /// that is not the one applied, the mirror reads the new epoch from its start.
    /// </summary>
    private async Task BackfillAsync(CancellationToken cancellationToken)
    {
        if (_syncing || clock.GetUtcNow() < _nextAttempt)
        {
            return;
        }

        if (Partner is not { Url: { } url })
        {
            StopSync();
            return;
        }

        _syncing = true;
        try
        {
            var batchSize = options.Value.BatchSize;
            for (var page = 0; page < PagesPerTick; page++)
            {
                var epoch = S.Epoch;
                var after = epoch is null ? 0 : S.AppliedThrough;
                var fetched = await client.FetchAsync(PartnerId, url, after, batchSize, cancellationToken);
                if (fetched.Batch is { } other && other.Epoch != epoch && after > 0)
                {
                    fetched = await client.FetchAsync(PartnerId, url, 0, batchSize, cancellationToken);
                }

                _lastSync = (clock.GetUtcNow(), fetched.Error);
                if (fetched.Batch is not { } batch)
                {
                    _failures++;
                    _nextAttempt = clock.GetUtcNow() + Backoff(_failures, options.Value.MaxBackoff);
                    return;
                }

                _failures = 0;
                _nextAttempt = default;
                var result = await ApplyAsync(batch);
                if (result.Applied > 0)
                {
                    LogBackfilled(logger, PartnerId, result.Applied, result.AppliedThrough);
                }

                if (batch.Events.Count == 0 || result.AppliedThrough >= (batch.Head ?? 0))
                {
                    StopSync();
                    return;
                }
            }
        }
        finally
        {
            _syncing = false;
        }
    }

    private void StopSync()
    {
        _sync?.Dispose();
        _sync = null;
    }

    /// <summary>Doubling from 1 s, capped, with ±20% jitter.</summary>
    private static TimeSpan Backoff(int failures, TimeSpan max)
    {
        var seconds = Math.Min(max.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 20)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

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

    /// <summary>
    /// The reporter of <paramref name="erased"/> erased their data at the origin: every view of the
    /// incident this mirror keeps (its stream's retained entries) takes the anonymised note authors.
    /// A citizen can note only their own report, so every citizen author there is the reporter.
    /// </summary>
    private void Anonymise(SharedIncident erased)
    {
        var authors = erased.Notes.ToDictionary(n => n.EventId, n => n.Author, StringComparer.Ordinal);
        var formerResident = new EventActor(ActorRole.Citizen, WellKnownActors.FormerResidentName);
        foreach (var entry in S.Timeline.Entries.Where(e => e.Payload.Incident.Id == erased.Id))
        {
            var notes = entry.Payload.Incident.Notes
                .Select(n => n with { Author = authors.GetValueOrDefault(n.EventId) ?? (n.Author.Role == ActorRole.Citizen ? formerResident : n.Author) })
                .ToList();
            entry.Payload = entry.Payload with { Incident = entry.Payload.Incident with { Notes = notes } };
        }

        LogAnonymised(logger, PartnerId, erased.Id);
    }

    /// <summary>
    /// The partner purged the training exercise this incident belonged to: it is no longer listed or
    /// found by id, and the stream's retained entries of it keep only what names it (no texts, no notes).
    /// </summary>
    private void Forget(SharedIncident purged)
    {
        S.Incidents.Remove(purged.Id);
        foreach (var entry in S.Timeline.Entries.Where(e => e.Payload.Incident.Id == purged.Id))
        {
            entry.Payload = entry.Payload with { Incident = entry.Payload.Incident with { Description = "", Notes = [], AssignedUnit = null } };
        }
    }

    private static bool IsActive(SharedIncident incident) => incident.Status is IncidentStatus.Reported or IncidentStatus.Acknowledged or IncidentStatus.Dispatched;

    /// <summary>Police and council see what a partner shares; the public only what it shares publicly, and never a training exercise's.</summary>
    private static bool MaySee(Audience audience, SharedIncident incident) => audience >= Visibility(incident);

    private static Audience Visibility(SharedIncident incident) =>
        incident.Audience == Audience.Public && incident.Exercise is null ? Audience.Public : Audience.Council;

    private static (EventActor, EventData) Project(TimelineEntry<SharedChange> entry, Audience audience) =>
        (new EventActor(ActorRole.Operator, null), new PartnerIncidentData(entry.Payload.Type, entry.Payload.Incident, entry.Payload.EventId));

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId} started a new outbox epoch {Epoch}")]
    private static partial void LogNewEpoch(ILogger logger, string partnerId, string epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner {PartnerId} no longer keeps events {From}..{Through}; they are skipped")]
    private static partial void LogLost(ILogger logger, string partnerId, long from, long through);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId}: the reporter of incident {IncidentId} erased their data; its views here are anonymised")]
    private static partial void LogAnonymised(ILogger logger, string partnerId, string incidentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId}: read back {Applied} missed events, applied through {AppliedThrough}")]
    private static partial void LogBackfilled(ILogger logger, string partnerId, int applied, long appliedThrough);
}
