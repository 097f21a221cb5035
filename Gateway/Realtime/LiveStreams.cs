using System.Collections.Concurrent;
using Collab.Common;
using Collab.Gateway.Localization;
using Collab.Gateway.Operations;
using Collab.Gateway.Wire;
using Collab.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Realtime;

/// <summary>
/// This gateway's side of the push path. Rather than one observer per connection, it is the one
/// observer the gateway registers with each stream grain that has local subscribers. It keeps who
/// follows what, detects gaps by sequence number, and has <see cref="StreamDelivery"/> send each
/// event once per (stream, audience, language) SignalR group, repair gaps by reading the stream,
/// and replay a subscriber's missed events before it joins its group.
/// </summary>
public sealed partial class LiveStreams(
    IGrainFactory grains,
    IHubContext<CollabHub, ICollabClient> hub,
    CollabHubLifetimeManager lifetime,
    IOptions<GatewayRealtimeOptions> options,
    ILogger<LiveStreams> logger,
    CollabMetrics metrics,
    Translations texts) : IStreamObserver
{
    /// <summary>Batches one stream may hold waiting for delivery; more are dropped and repaired from the grain later.</summary>
    private const int MaxPendingBatches = 10_000;

    /// <summary>How long renewal waits for one stream's gate before leaving it to the next tick.</summary>
    private static readonly TimeSpan RenewalWait = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<StreamName, LiveStream> _streams = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<StreamName, (Audience Audience, string Language)>> _connections = new(StringComparer.Ordinal);
    private int _pending;
    private readonly StreamDelivery _delivery = new(hub, lifetime, options, metrics, texts);
    private readonly Lock _referenceLock = new();
    private IStreamObserver? _reference;

    private IStreamObserver Reference
    {
        get
        {
            lock (_referenceLock)
            {
                return _reference ??= grains.CreateObjectReference<IStreamObserver>(this);
            }
        }
    }

    /// <summary>
    /// Replays the caller's view after <paramref name="afterSeq"/> (nothing when null) to the
    /// connection, then adds it to its group, all under the stream's gate. Sends to the connection
    /// only start there (<see cref="CollabHubLifetimeManager"/> never waits for a connection), in
    /// the order the connection receives them, so the gate is never held by the connection.
    /// </summary>
    public async Task<SubscribeResult> SubscribeAsync(string connectionId, StreamRoute route, string language, long? afterSeq)
    {
        // SignalR runs one invocation of a connection at a time, so its own count cannot change meanwhile.
        var max = options.Value.MaxSubscriptionsPerConnection;
        if (_connections.TryGetValue(connectionId, out var held) && held.Count >= max && !held.ContainsKey(route.Source))
        {
            throw new HubException($"too-many-subscriptions: At most {max} streams per connection; unsubscribe from one first.");
        }

        while (true)
        {
            var live = _streams.GetOrAdd(route.Source, _ => new LiveStream(route));
            await live.Gate.WaitAsync();
            try
            {
                if (live.Closed)
                {
                    continue;
                }

                var mine = _connections.GetOrAdd(connectionId, _ => new());
                if (mine.TryRemove(route.Source, out var previous))
                {
                    live.Remove(previous.Audience, previous.Language, connectionId);
                    await hub.Groups.RemoveFromGroupAsync(connectionId, live.GroupName(previous.Audience, previous.Language));
                }

                try
                {
                    return await JoinAsync(live, connectionId, route, language, afterSeq, mine);
                }
                finally
                {
                    if (live.IsEmpty)
                    {
                        await CloseAsync(live);
                    }
                }
            }
            finally
            {
                live.Gate.Release();
            }
        }
    }

    private async Task<SubscribeResult> JoinAsync(LiveStream live, string connectionId, StreamRoute route, string language,
        long? afterSeq, ConcurrentDictionary<StreamName, (Audience, string)> mine)
    {
        var audience = route.Audience;
        if (!live.Registered || !live.Delivered.ContainsKey(audience))
        {
            // Renewing is cheap and returns the head, which is where a new audience's delivery starts;
            // from then on the grain sends this gateway that audience's view too.
            var head = await route.Grain.FollowAsync(Reference, [.. live.Delivered.Keys.Append(audience).Distinct()]);
            live.Registered = true;
            live.Delivered.TryAdd(audience, head.For(audience));
        }

        if (afterSeq is { } ahead && ahead > live.Delivered[audience])
        {
            // The caller has seen more than this gateway has delivered: bring the groups up first.
            await _delivery.RepairAsync(live, audience, upTo: null);
        }

        var current = live.Delivered[audience];
        if (current == 0)
        {
            // A stream that has never had an event may not exist at all (e.g. an unknown incident).
            var probe = await route.Grain.ReadAsync(audience, 0, 1);
            if (!probe.Found)
            {
                throw new HubException("Unknown stream.");
            }
        }

        var replayed = await _delivery.ReplayAsync(connectionId, route, language, afterSeq, current);
        metrics.Replayed(route.Source, replayed);
        await hub.Groups.AddToGroupAsync(connectionId, live.GroupName(audience, language));
        live.Add(audience, language, connectionId);
        mine[route.Source] = (audience, language);
        return new SubscribeResult(route.Name, WireFormat.Name(audience), current, replayed);
    }

    public async Task UnsubscribeAsync(string connectionId, StreamName source)
    {
        if (!_connections.TryGetValue(connectionId, out var mine) || !mine.TryRemove(source, out var membership))
        {
            return;
        }

        if (!_streams.TryGetValue(source, out var live))
        {
            return;
        }

        await live.Gate.WaitAsync();
        try
        {
            live.Remove(membership.Audience, membership.Language, connectionId);
            await hub.Groups.RemoveFromGroupAsync(connectionId, live.GroupName(membership.Audience, membership.Language));
            if (live.IsEmpty)
            {
                await CloseAsync(live);
            }
        }
        finally
        {
            live.Gate.Release();
        }
    }

    public async Task DisconnectAsync(string connectionId)
    {
        if (!_connections.TryRemove(connectionId, out var mine))
        {
            return;
        }

        foreach (var (source, membership) in mine)
        {
            if (!_streams.TryGetValue(source, out var live))
            {
                continue;
            }

            await live.Gate.WaitAsync();
            try
            {
                live.Remove(membership.Audience, membership.Language, connectionId);
                if (live.IsEmpty)
                {
                    await CloseAsync(live);
                }
            }
            finally
            {
                live.Gate.Release();
            }
        }
    }

    /// <summary>
    /// Called by stream grains (one-way). Hands the batch to its stream's inbox and returns at once:
    /// the client runtime runs this observer's calls one at a time, for every stream this gateway
    /// follows, so delivering here would make all streams wait on each other (and on a repair's
    /// grain read) and cap the whole gateway's fan-out at one thread. Each stream is delivered by
    /// its own drainer, in the order its batches arrived; different streams in parallel.
    /// </summary>
    public Task OnEventsAsync(StreamBatch batch)
    {
        if (!StreamNames.TryParse(batch.Source, out var source))
        {
            // Only the part before the colon: a citizen stream's key is a user id, which logs do not carry.
            LogUnknownSource(logger, batch.Source.Split(':')[0], batch.Events.Count);
            return Task.CompletedTask;
        }

        if (!_streams.TryGetValue(source, out var live))
        {
            // Nobody here follows it any more: the unsubscribe and this push crossed.
            return Task.CompletedTask;
        }

        if (live.Inbox.Count >= MaxPendingBatches)
        {
            // Bounded: a stream whose groups cannot keep up loses batches here, not memory; the gap
            // is repaired from the grain when delivery catches up (or becomes a Resync).
            LogInboxFull(logger, live.Route.Name, MaxPendingBatches);
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _pending);
        live.Inbox.Enqueue(batch);
        if (live.TryStartDraining())
        {
            _ = Task.Run(() => DrainAsync(live));
        }

        return Task.CompletedTask;
    }

    /// <summary>Renews this gateway's observer on every followed stream and delivers anything missed.</summary>
    public async Task RenewAllAsync(CancellationToken cancellationToken)
    {
        foreach (var live in _streams.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Bounded, so one stream whose gate is held (a slow grain call) holds up no other
            // stream's renewal; it is tried again on the next tick, well before its registration expires.
            if (!await live.Gate.WaitAsync(RenewalWait, cancellationToken))
            {
                if (!live.RenewalHeldUp)
                {
                    live.RenewalHeldUp = true;
                    LogRenewalHeldUp(logger, live.Route.Name, RenewalWait.TotalSeconds);
                }

                continue;
            }

            try
            {
                live.RenewalHeldUp = false;
                if (live.Closed)
                {
                    continue;
                }

                var head = await live.Route.Grain.FollowAsync(Reference, [.. live.Delivered.Keys]);
                live.Registered = true;
                if (!live.Inbox.IsEmpty || live.HasHeld)
                {
                    // Behind, not missing anything: the batches waiting here go out in order, and the
                    // drainer repairs any real hole when it meets one. Repairing up to the head now
                    // would read what waits in the inbox from the grain, and under load that can be
                    // older than the grain keeps (a needless Resync for every subscriber).
                    continue;
                }

                foreach (var (audience, delivered) in live.Delivered.ToList())
                {
                    if (head.For(audience) > delivered)
                    {
                        await _delivery.RepairAsync(live, audience, upTo: head.For(audience));
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(logger, ex, live.Route.Name);
            }
            finally
            {
                live.Gate.Release();
            }
        }
    }

    /// <summary>Batches waiting for delivery, over every stream this gateway follows.</summary>
    public int PendingBatches => Volatile.Read(ref _pending);

    /// <summary>The push path is further behind than <see cref="GatewayRealtimeOptions.MaxPushBacklog"/>: commands are refused until it catches up.</summary>
    public bool Overloaded => PendingBatches > options.Value.MaxPushBacklog;

    /// <summary>The stream this gateway follows for <paramref name="source"/>, if any (tests look at its gate and state).</summary>
    internal LiveStream? Find(StreamName source) => _streams.GetValueOrDefault(source);

    /// <summary>Subscriptions of this gateway's connections by stream kind (observed by <see cref="CollabMetrics"/>).</summary>
    internal IEnumerable<(string Kind, int Count)> SubscriptionsByKind() =>
        _connections.Values.SelectMany(c => c.Keys).GroupBy(s => s.Kind.Name).Select(g => (g.Key, g.Count()));

    /// <summary>Streams this gateway follows by kind (observed by <see cref="CollabMetrics"/>).</summary>
    internal IEnumerable<(string Kind, int Count)> FollowedByKind() =>
        _streams.Keys.GroupBy(s => s.Kind.Name).Select(g => (g.Key, g.Count()));

    /// <summary>Must hold the gate.</summary>
    private async Task CloseAsync(LiveStream live)
    {
        live.Closed = true;
        _streams.TryRemove(new KeyValuePair<StreamName, LiveStream>(live.Route.Source, live));
        if (!live.Registered)
        {
            return;
        }

        try
        {
            await live.Route.Grain.UnsubscribeAsync(Reference);
        }
        catch (Exception ex)
        {
            // The registration expires on its own.
            LogUnsubscribeFailed(logger, ex, live.Route.Name);
        }
    }
}
