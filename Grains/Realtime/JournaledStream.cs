using System.Text.Json;
using Collab.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Collab.Realtime;

/// <summary>How one audience sees one stored entry: who acted, as that audience may see them, and the event's data.</summary>
internal delegate (EventActor Actor, EventData Data) Projection<TPayload>(TimelineEntry<TPayload> entry, Audience audience);

/// <summary>
/// One grain's event stream: the bounded timeline in the grain's state, the gateways following it,
/// and (where the event log is durable) the log rows of the commit in progress. The grain keeps its
/// domain (what an event does to its state, how an audience sees it) and owns one of these for the
/// protocol: catch up on activation, append, commit, publish, and Subscribe/Unsubscribe/Read.
/// </summary>
/// <remarks>
/// Without an event log the snapshot (the grain state) is the stream's only store. With one, a
/// commit appends its rows before the snapshot is written and before the caller is answered: the
/// log is what a fresh activation completes a stale snapshot from, and its UNIQUE(stream, seq)
/// turns a second, stale activation into <see cref="StreamConflictException"/> instead of a fork.
/// </remarks>
internal sealed class JournaledStream<TPayload>
{
    /// <summary>Rows read from the log per round trip, when catching up or reading old history.</summary>
    private const int LogPage = 1_000;

    /// <summary>The most events one read returns.</summary>
    private const int MaxRead = 1_000;

    private readonly IGrainBase _owner;
    private readonly Func<Timeline<TPayload>> _timeline;
    private readonly int _capacity;
    private readonly Projection<TPayload> _project;
    private readonly IEventLog? _log;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly ObserverManager<Follower> _observers;
    private readonly List<LoggedEvent> _pending = [];

    /// <param name="owner">The grain; a commit that fails deactivates it.</param>
    /// <param name="name">The stream's name: the batch source gateways route by, and the log's stream key.</param>
    /// <param name="timeline">The timeline in the grain's state.</param>
    /// <param name="capacity">Entries the timeline keeps; older ones are dropped from the snapshot.</param>
    /// <param name="project">How an audience sees an entry.</param>
    /// <param name="log">The event log, or null when the snapshot is the stream's only store.</param>
    /// <param name="observerExpiry">How long a gateway's registration lives without renewal.</param>
    /// <param name="logger">The grain's logger.</param>
    public JournaledStream(IGrainBase owner, StreamName name, Func<Timeline<TPayload>> timeline, int capacity,
        Projection<TPayload> project, IEventLog? log, TimeSpan observerExpiry, ILogger logger)
    {
        _owner = owner;
        Name = name;
        ClientName = name.ToString();
        _timeline = timeline;
        _capacity = capacity;
        _project = project;
        _log = log is { IsDurable: true } ? log : null;
        _logger = logger;
        _clock = owner.GrainContext.ActivationServices.GetService<TimeProvider>() ?? TimeProvider.System;
        _observers = new(observerExpiry, logger);
    }

    public StreamName Name { get; }

    /// <summary>True when a commit's log rows are its store (PostgreSQL); false when the snapshot is the only one (memory mode).</summary>
    public bool IsJournaled => _log is not null;

    /// <summary>The stream name clients see on its events; the <see cref="Name"/> unless a client knows the stream by another.</summary>
    public string ClientName { get; init; }

    /// <summary>
    /// Where set, history older than the timeline keeps is read back from the log (each row turned
    /// into an entry by this); otherwise a reader asking for it is told to re-read the snapshot.
    /// </summary>
    public Func<LoggedEvent, TimelineEntry<TPayload>>? History { get; init; }

    /// <summary>The training exercise this stream belongs to, carried by each of its events; null when real.</summary>
    public Func<string?>? Exercise { get; init; }

    public StreamHead Head => _timeline().Head;

    /// <summary>
    /// Completes the snapshot from the log: a crash between a commit's log append and its snapshot
    /// write leaves events only in the log, and they were acknowledged. <paramref name="restore"/>
    /// re-applies one row to the grain's state and returns its entry, which then rejoins the
    /// timeline. Returns how many rows were restored.
    /// </summary>
    public async Task<int> CatchUpAsync(Func<LoggedEvent, TimelineEntry<TPayload>> restore, CancellationToken cancellationToken)
    {
        if (_log is null)
        {
            return 0;
        }

        var restored = 0;
        IReadOnlyList<LoggedEvent> page;
        do
        {
            page = await _log.ReadAsync(Key, _timeline().HeadPolice, LogPage, cancellationToken);
            foreach (var row in page)
            {
                _timeline().Restore(restore(row), _capacity);
            }

            restored += page.Count;
        }
        while (page.Count == LogPage);

        if (restored > 0)
        {
            StreamLog.CaughtUp(_logger, Key, restored);
        }

        return restored;
    }

    /// <summary>
    /// Appends an entry visible to <paramref name="visibility"/> and every wider audience. With a
    /// log, <paramref name="logPayload"/> writes the row's payload and the row waits for the next
    /// <see cref="CommitAsync"/>.
    /// </summary>
    public TimelineEntry<TPayload> Append(string type, Actor actor, Audience visibility, TPayload payload, DateTimeOffset at,
        Func<TimelineEntry<TPayload>, string>? logPayload = null)
    {
        var entry = _timeline().Append(type, actor, visibility, payload, at, _capacity);
        if (_log is not null)
        {
            var json = logPayload?.Invoke(entry)
                ?? throw new InvalidOperationException($"Stream '{Key}' is journaled: its entries need a log payload.");
            _pending.Add(new LoggedEvent(Key, entry.SeqPolice, entry.Id, entry.Type, entry.OccurredAt, json));
        }

        return entry;
    }

    /// <summary>
    /// Stores what was appended since the last commit: <paramref name="before"/> (state kept apart),
    /// then the log rows, then <paramref name="writeState"/> (the snapshot). On any failure this
    /// activation's memory is ahead of the store (or behind another activation's), so it is dropped
    /// and the exception rethrown; the next call reads snapshot and log afresh, and a retry with the
    /// same idempotency key finds whatever did reach the log.
    /// </summary>
    public async Task CommitAsync(Func<Task> writeState, Func<Task>? before = null)
    {
        try
        {
            if (before is not null)
            {
                await before();
            }

            if (_pending.Count > 0)
            {
                await _log!.AppendAsync(_pending);
            }

            await writeState();
        }
        catch (Exception ex)
        {
            DropActivation(ex);
            throw;
        }
        finally
        {
            _pending.Clear();
        }
    }

    /// <summary>After a failed write: logs it and lets the activation go, so the next call re-reads the store.</summary>
    public void DropActivation(Exception exception)
    {
        StreamLog.CommitFailed(_logger, exception, Key);
        _owner.DeactivateOnIdle();
    }

    /// <summary>
    /// Pushes stored entries to the gateways, each projected once for every audience that may see
    /// it, in one batch per gateway. One-way and best effort: the timeline is the truth.
    /// </summary>
    public void Publish(IReadOnlyList<TimelineEntry<TPayload>> entries)
    {
        if (_observers.Count == 0)
        {
            return;
        }

        // One batch per set of audiences the followers read (one or two sets: the gateways usually read alike).
        var publishedAt = _clock.GetUtcNow();
        Dictionary<int, StreamBatch?>? batches = null;
        _observers.Notify(
            follower => follower.Observer.OnEventsAsync(BatchFor(follower.Audiences)!),
            follower => BatchFor(follower.Audiences) is not null);

        StreamBatch? BatchFor(int audiences)
        {
            batches ??= [];
            if (!batches.TryGetValue(audiences, out var batch))
            {
                var events = new List<AudienceEvent>(entries.Count);
                foreach (var entry in entries)
                {
                    foreach (var audience in Audiences.All)
                    {
                        if (Follower.Reads(audiences, audience) && entry.IsVisibleTo(audience))
                        {
                            events.Add(new AudienceEvent(audience, ToEvent(entry, audience)));
                        }
                    }
                }

                batch = events.Count > 0 ? new StreamBatch(Key, events, Head, publishedAt) : null;
                batches[audiences] = batch;
            }

            return batch;
        }
    }

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer) => FollowAsync(observer, Audiences.All);

    /// <summary>Registers (or renews) a gateway's observer for <paramref name="audiences"/>; none means every audience.</summary>
    public Task<StreamHead> FollowAsync(IStreamObserver observer, IReadOnlyList<Audience> audiences)
    {
        _observers.Subscribe(observer, new Follower(observer, Follower.Mask(audiences.Count > 0 ? audiences : Audiences.All)));
        return Task.FromResult(Head);
    }

    public Task UnsubscribeAsync(IStreamObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max)
    {
        max = Math.Clamp(max, 1, MaxRead);
        var page = _timeline().Read(audience, afterSeq, max, ToEvent);
        return page.Truncated && _log is not null && History is { } history
            ? await ReadLogAsync(audience, afterSeq, max, history)
            : page;
    }

    /// <summary>
    /// Replaces <paramref name="userId"/> as the actor of every event, in the log first (it is what
    /// a fresh activation would restore the user from), then in the timeline. The caller writes the
    /// snapshot when this returns true.
    /// </summary>
    public async Task<bool> EraseActorAsync(string userId, Actor replacement)
    {
        if (_log is not null)
        {
            await _log.EraseActorAsync(Key, userId, JsonSerializer.Serialize(LoggedActor.From(replacement), EventLogJson.Options));
        }

        var changed = false;
        foreach (var entry in _timeline().Entries.Where(e => e.Actor.UserId == userId))
        {
            entry.Actor = replacement;
            changed = true;
        }

        return changed;
    }

    private string Key => Name.ToString();

    private StreamEvent ToEvent(TimelineEntry<TPayload> entry, Audience audience)
    {
        var (actor, data) = _project(entry, audience);
        return new StreamEvent(ClientName, entry.SeqFor(audience), entry.Id, entry.Type, entry.OccurredAt, actor, data, Exercise?.Invoke());
    }

    /// <summary>
    /// History older than the timeline keeps. An entry visible to an audience has a police (total)
    /// sequence at least its audience sequence, so reading the log after <paramref name="afterSeq"/>
    /// in total order finds every candidate; the rest are filtered out.
    /// </summary>
    private async Task<StreamPage> ReadLogAsync(Audience audience, long afterSeq, int max, Func<LoggedEvent, TimelineEntry<TPayload>> history)
    {
        var events = new List<StreamEvent>(Math.Min(max, 64));
        var cursor = afterSeq;
        while (events.Count < max)
        {
            var rows = await _log!.ReadAsync(Key, cursor, LogPage);
            foreach (var row in rows)
            {
                cursor = row.Seq;
                var entry = history(row);
                if (entry.IsVisibleTo(audience) && entry.SeqFor(audience) > afterSeq)
                {
                    events.Add(ToEvent(entry, audience));
                    if (events.Count == max) break;
                }
            }

            if (rows.Count < LogPage) break;
        }

        return new StreamPage(true, events, Head.For(audience), Truncated: false);
    }

    /// <summary>A gateway's observer and the audiences it reads, as a bit per audience.</summary>
    private sealed record Follower(IStreamObserver Observer, int Audiences)
    {
        public static int Mask(IReadOnlyList<Audience> audiences)
        {
            var mask = 0;
            foreach (var audience in audiences)
            {
                mask |= 1 << (int)audience;
            }

            return mask;
        }

        public static bool Reads(int mask, Audience audience) => (mask & (1 << (int)audience)) != 0;
    }
}
