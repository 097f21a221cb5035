using System.Text.Json;
using Collab.Common;
using Collab.Hosting;
using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Federation;

/// <summary>
/// The outbox of one partner link and its delivery. Incident grains enqueue shared changes (awaited,
/// before they acknowledge their command); the outbox numbers them contiguously and stores them
/// through the stream kit (PostgreSQL: one event log row each, stream <c>federation-outbox:{id}</c>,
/// before the enqueue returns), and writes the snapshot every <see cref="SnapshotEvery"/> events, every
/// <see cref="SnapshotPeriod"/> while changed and on deactivation. In memory mode there is no log: between
/// snapshots the outbox lives in the activation, as the neighbourhoods' streams do (rewriting up to
/// <see cref="FederationOptions.OutboxCapacity"/> entries on every change cost a shared report ~12 ms of CPU).
/// An activation that ended without its last snapshot (a silo lost in a memory-mode cluster) may have
/// numbered events the snapshot does not hold; the next one starts a new epoch, so the partner reads the
/// retained events again rather than taking renumbered ones for duplicates. A delivery timer keeps exactly one batch in flight while there is work;
/// a reminder brings the link back after a silo restart. The partner's answer (<c>appliedThrough</c>)
/// decides where delivery resumes, so a stale cursor only costs a duplicate the partner ignores.
/// </summary>
internal sealed partial class PartnerLinkGrain(
    [PersistentState("partner-link", StorageNames.Collab)] IPersistentState<PartnerLinkState> state,
    IOptions<FederationOptions> options,
    IOptions<CityOptions> city,
    IOptions<RealtimeOptions> realtime,
    IEventLog eventLog,
    FederationClient client,
    TimeProvider clock,
    ILogger<PartnerLinkGrain> logger) : Grain, IPartnerLinkGrain, IRemindable
{
    /// <summary>The internal stream kind of outboxes: never followed by clients, so not among <see cref="StreamNames"/>' kinds.</summary>
    internal static readonly StreamKind OutboxKind = new("federation-outbox", Keyed: true);

    private const string ReminderName = "federation-delivery";
    private const int SnapshotEvery = 100;
    private static readonly TimeSpan SnapshotPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>Batches sent back to back in one tick while there is more, so a busy link is not paced by the tick.</summary>
    private const int BatchesPerTick = 20;

    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private IGrainTimer? _delivery;
    private bool _reminderSet;
    private bool _inFlight;
    private int _failures;
    private DateTimeOffset _nextAttempt;
    private int _unsaved;
    private bool _storeAhead;

    private PartnerLinkState S => state.State;
    private string PartnerId => this.GetPrimaryKeyString();
    private PartnerOptions? Partner => options.Value.Partners.GetValueOrDefault(PartnerId);
    private bool Journaled => eventLog.IsDurable;

    private JournaledStream<SharedChange> Stream => field ??= new(
        this, new StreamName(OutboxKind, PartnerId), () => S.Timeline, options.Value.OutboxCapacity, Project, eventLog, realtime.Value.ObserverExpiry, logger)
    {
        History = FromLog,
    };

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var newEpoch = S.Epoch.Length == 0;
        if (!newEpoch && !Journaled && !S.Clean && S.Timeline.HeadPolice > 0)
        {
            LogUncleanRestart(logger, PartnerId, S.Timeline.HeadPolice);
            newEpoch = true;
        }

        if (newEpoch)
        {
            S.Epoch = Guid.NewGuid().ToString("N");
        }

        S.Clean = false;

        _unsaved += await Stream.CatchUpAsync(FromLog, cancellationToken);
        if (newEpoch && Journaled)
        {
            // The epoch tells the partner which outbox its seqs count in: stored before the first
            // row is numbered, or a silo killed before the first periodic snapshot would come back
            // with another epoch, and the partner would apply the same rows again from seq 1.
            await SnapshotAsync();
        }

        foreach (var entry in S.Timeline.Entries)
        {
            _known.Add(entry.Payload.EventId);
        }

        this.RegisterGrainTimer(SnapshotIfChangedAsync, new GrainTimerCreationOptions(SnapshotPeriod, SnapshotPeriod));

        if (Pending)
        {
            StartDelivery();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Nothing to write when the store is ahead, or when the log holds every event and the snapshot is current.
        if (_storeAhead || (Journaled && _unsaved == 0))
        {
            return;
        }

        // The last snapshot says it is complete: the next activation continues this epoch (memory mode reads it).
        S.Clean = true;
        await SnapshotAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    public async Task EnqueueAsync(IReadOnlyList<SharedChange> changes)
    {
        var fresh = changes.Where(c => !_known.Contains(c.EventId)).DistinctBy(c => c.EventId).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        foreach (var change in fresh)
        {
            Stream.Append(EventTypes.PartnerIncidentUpdated, WellKnownActors.Platform, Audience.Public, change, clock.GetUtcNow(),
                _ => JsonSerializer.Serialize(change, FederationJson.Options));
        }

        _unsaved += fresh.Count;
        try
        {
            await Stream.CommitAsync(() => _unsaved >= SnapshotEvery ? SnapshotAsync() : Task.CompletedTask);
        }
        catch
        {
            // This activation's memory is ahead of the store and is dropped: nothing of it may be written now.
            _storeAhead = true;
            throw;
        }

        foreach (var change in fresh)
        {
            _known.Add(change.EventId);
        }

        if (_known.Count > 2 * options.Value.OutboxCapacity)
        {
            _known.Clear();
            _known.UnionWith(S.Timeline.Entries.Select(e => e.Payload.EventId));
        }

        StartDelivery();
        await KeepReminderAsync();
    }

    public async Task<FederatedBatch> ReadAsync(long afterSeq, int max)
    {
        max = Math.Clamp(max, 1, FederatedBatchRules.MaxEvents);
        var audience = SharingPolicy.AudienceOf(Partner?.Share.Audience ?? "public");
        // What is no longer kept (memory mode) is read from the oldest kept; the batch says where that is.
        var from = Math.Max(afterSeq, Journaled ? 0 : S.Timeline.DroppedPolice);
        var entries = await ReadAfterAsync(from, max) ?? [];
        return new FederatedBatch(city.Value.Id, S.Epoch, audience, RetainedFrom, entries.Select(ToWire).ToList(), S.Timeline.HeadPolice);
    }

    public async Task<PartnerLinkHealth> GetHealthAsync()
    {
        DateTimeOffset? oldest = null;
        if (S.DeliveredThrough < S.Timeline.HeadPolice)
        {
            var next = await ReadAfterAsync(Math.Max(S.DeliveredThrough, Journaled ? 0 : S.Timeline.DroppedPolice), 1);
            oldest = next?.FirstOrDefault()?.OccurredAt;
        }

        var circuit = _failures == 0 ? LinkCircuit.Closed : clock.GetUtcNow() < _nextAttempt ? LinkCircuit.Open : LinkCircuit.HalfOpen;
        return new PartnerLinkHealth(PartnerId, S.Timeline.HeadPolice, S.DeliveredThrough, S.LastSuccessAt, S.LastError, S.LastErrorAt, oldest, circuit);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Pending)
        {
            // The activation (which this reminder caused, after a restart) started delivery already.
            StartDelivery();
            return;
        }

        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderSet = false;
    }

    /// <summary>The oldest seq this outbox can still send: all of it with PostgreSQL, else what the snapshot keeps.</summary>
    private long RetainedFrom => Journaled ? 1 : S.Timeline.DroppedPolice + 1;

    private static FederatedEvent ToWire(TimelineEntry<SharedChange> e) => new(e.SeqPolice, e.Payload.EventId, e.Payload.Type, e.Payload.OccurredAt, e.Payload.Incident);

    private bool Pending => S.DeliveredThrough < S.Timeline.HeadPolice && Partner is not null;

    private void StartDelivery()
    {
        if (_delivery is null)
        {
            // Interleaving: a batch in flight (HTTP, retries) must not hold up the incident commands
            // enqueueing meanwhile. The tick writes no state (the snapshot timer and enqueues do), and
            // _inFlight keeps one batch in flight.
            _delivery = this.RegisterGrainTimer(DeliverAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Tick) { Interleave = true, KeepAlive = true });
        }
        else if (!_inFlight && clock.GetUtcNow() >= _nextAttempt)
        {
            // An idle link sends what was just enqueued now rather than at its next tick.
            _delivery.Change(TimeSpan.Zero, Tick);
        }
    }

    private async Task KeepReminderAsync()
    {
        if (_reminderSet)
        {
            return;
        }

        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        _reminderSet = true;
    }

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (_inFlight || clock.GetUtcNow() < _nextAttempt)
        {
            return;
        }

        if (!Pending || Partner is not { Url: { } url } partner)
        {
            _delivery?.Dispose();
            _delivery = null;
            return;
        }

        _inFlight = true;
        try
        {
            // What was enqueued while a batch was in flight goes next, without waiting for a tick.
            for (var batches = 0; batches < BatchesPerTick && Pending && await SendNextAsync(partner, url, cancellationToken); batches++)
            {
            }
        }
        finally
        {
            _inFlight = false;
        }
    }

    /// <summary>Sends the next batch; true when the partner took it (applied, or told where to resume).</summary>
    private async Task<bool> SendNextAsync(PartnerOptions partner, string url, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var entries = await ReadAfterAsync(S.DeliveredThrough, o.BatchSize);
        if (entries is null)
        {
            // Memory mode only (PostgreSQL serves from the log): the partner fell further behind
            // than the outbox keeps. What is gone cannot be sent; delivery goes on from the oldest kept.
            LogLost(logger, PartnerId, S.DeliveredThrough + 1, S.Timeline.DroppedPolice);
            S.DeliveredThrough = S.Timeline.DroppedPolice;
            return true;
        }

        var batch = new FederatedBatch(city.Value.Id, S.Epoch, SharingPolicy.AudienceOf(partner.Share.Audience),
            RetainedFrom, entries.Select(ToWire).ToList(), S.Timeline.HeadPolice);
        var result = await client.SendAsync(PartnerId, url, batch, cancellationToken);
        var now = clock.GetUtcNow();
        if (result.AppliedThrough is { } applied)
        {
            // Forward on success, back (or forward) to where the partner says it is on a refusal.
            S.DeliveredThrough = Math.Min(applied, S.Timeline.HeadPolice);
            S.LastSuccessAt = now;
            _failures = 0;
            _nextAttempt = default;
            if (result.Refused)
            {
                LogResumed(logger, PartnerId, applied);
            }

            return true;
        }

        S.LastError = result.Error;
        S.LastErrorAt = now;
        _failures++;
        _nextAttempt = now + Backoff(_failures, o.MaxBackoff);
        return false;
    }

    /// <summary>Between failed attempts (each already retried by the HTTP pipeline): doubling from 1 s, capped, with ±20% jitter.</summary>
    private static TimeSpan Backoff(int failures, TimeSpan max)
    {
        var seconds = Math.Min(max.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 20)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    private async Task SnapshotIfChangedAsync(CancellationToken cancellationToken)
    {
        if (_unsaved > 0 && !_storeAhead)
        {
            await SnapshotAsync();
        }
    }

    private async Task SnapshotAsync()
    {
        await state.WriteStateAsync();
        _unsaved = 0;
        S.Clean = false;
    }

    /// <summary>Up to <paramref name="max"/> outbox entries after <paramref name="after"/>: from the snapshot, else the log; null when neither keeps them.</summary>
    private async Task<IReadOnlyList<TimelineEntry<SharedChange>>?> ReadAfterAsync(long after, int max)
    {
        if (after >= S.Timeline.DroppedPolice)
        {
            return S.Timeline.Entries.Where(e => e.SeqPolice > after).Take(max).ToList();
        }

        return Journaled ? (await eventLog.ReadAsync(Stream.Name.ToString(), after, max)).Select(FromLog).ToList() : null;
    }

    private static (EventActor, EventData) Project(TimelineEntry<SharedChange> entry, Audience audience) =>
        (new EventActor(ActorRole.Operator, null), new PartnerIncidentData(entry.Payload.Type, entry.Payload.Incident));

    private static TimelineEntry<SharedChange> FromLog(LoggedEvent row)
    {
        var change = JsonSerializer.Deserialize<SharedChange>(row.Payload, FederationJson.Options)
            ?? throw new InvalidOperationException($"Outbox row {row.Stream}#{row.Seq} has no payload.");
        return TimelineEntry<SharedChange>.FromLog(row, WellKnownActors.Platform, Audience.Public, row.Seq, row.Seq, change);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Partner {PartnerId}: outbox events {From}..{Through} were no longer kept and were not delivered")]
    private static partial void LogLost(ILogger logger, string partnerId, long from, long through);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner {PartnerId}: the outbox's last activation ended without its final snapshot (head {Head} in it); a new epoch starts, so the partner reads the retained events again")]
    private static partial void LogUncleanRestart(ILogger logger, string partnerId, long head);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId} has applied through {AppliedThrough}; delivery resumes there")]
    private static partial void LogResumed(ILogger logger, string partnerId, long appliedThrough);
}
