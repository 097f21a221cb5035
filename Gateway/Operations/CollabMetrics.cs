using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Collab.Common;
using Collab.Federation;
using Collab.Gateway.Federation;
using Collab.Gateway.Realtime;
using Collab.Gateway.Wire;
using Collab.Realtime;

namespace Collab.Gateway.Operations;

/// <summary>
/// The gateway's own instruments, on the meter <c>Collab</c> (scraped at <c>/metrics</c>). Labels
/// are bounded sets: a stream's kind (never its key), an audience, a command's name, a channel, an
/// outcome, a partner city's id (configured, few); never a user id, an incident id or a stream name.
/// </summary>
/// <remarks>
/// One meter for the process, not one per host from <see cref="IMeterFactory"/>: OpenTelemetry
/// exports every meter of the name, and when a host's meter is disposed it drops the shared
/// series of every other host in the process with it (seen with several gateways in one test
/// process). Gauges add up the gateways alive in the process, which in production is one.
/// </remarks>
public sealed class CollabMetrics : IDisposable
{
    public const string MeterName = "Collab";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<CollabMetrics, byte> Alive = new();

    /// <summary>
    /// Observed from each gateway's open connections, not counted up and down: a count kept by
    /// adding would start at zero for an exporter that began listening while connections were
    /// open, and read wrong (even below zero) for as long as they lasted.
    /// </summary>
    private static readonly ObservableUpDownCounter<long> Connections = Meter.CreateObservableUpDownCounter("collab.hub.connections",
        () => (long)Alive.Keys.Sum(m => m.Service<HubConnections>()?.Count ?? 0), "{connection}", "Hub connections open on this gateway.");

    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("collab.deliveries", "{event}",
        "Events sent to a SignalR group (one per stream, audience and language), by stream kind, audience and whether a training exercise's.");

    private static readonly Counter<long> Commands = Meter.CreateCounter<long>("collab.commands", "{command}",
        "Commands answered (REST or hub), by command, channel, outcome (ok; refused: a 4xx or hub error; failed: a 5xx or exception) "
        + "and whether on a training exercise (its endpoints, or an answer that is an exercise's incident).");

    private static readonly Counter<long> Resyncs = Meter.CreateCounter<long>("collab.resyncs", "{notice}",
        "Resync notices sent, by stream kind and reason.");

    private static readonly ObservableUpDownCounter<long> Subscriptions = Meter.CreateObservableUpDownCounter("collab.hub.subscriptions",
        () => Observe(streams => streams.SubscriptionsByKind()), "{subscription}", "Stream subscriptions of this gateway's hub connections, by stream kind.");

    private static readonly ObservableUpDownCounter<long> Followed = Meter.CreateObservableUpDownCounter("collab.streams.followed",
        () => Observe(streams => streams.FollowedByKind()), "{stream}", "Streams this gateway follows (one observer registration each), by stream kind.");

    private static readonly Histogram<double> FanOut = Meter.CreateHistogram("collab.fanout.duration", "s",
        "From a stream grain's publish to this gateway's send to the stream's SignalR groups, per batch, by stream kind "
        + "(the grain's and the gateway's clocks: keep them in sync).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> Replays = Meter.CreateCounter<long>("collab.replays", "{event}",
        "Events replayed to one subscriber (it resumed after a seq its group had passed), by stream kind.");

    private static readonly Counter<long> RateLimitRefusals = Meter.CreateCounter<long>("collab.ratelimit.refusals", "{request}",
        "Requests and hub connection attempts refused with 429, by rate-limit policy.");

    private static readonly Counter<long> CutOffs = Meter.CreateCounter<long>("collab.hub.cutoffs", "{connection}",
        "Hub connections cut off because they fell too far behind (a stalled reader).");

    private static readonly Counter<long> DrainNotices = Meter.CreateCounter<long>("collab.drain.reconnects", "{notice}",
        "Clients told to reconnect elsewhere while this gateway drains.");

    // Federation, per partner (a configured city id: a small, fixed set), from the latest reading of
    // FederationStatus (every few seconds).
    private static readonly ObservableGauge<long> FederationLag = Meter.CreateObservableGauge("collab.federation.outbound.lag",
        () => ObservePartners(p => p.Outbound.Lag), "{event}", "Events recorded for a partner and not yet confirmed by it.");

    private static readonly ObservableGauge<double> FederationOldestAge = Meter.CreateObservableGauge("collab.federation.outbound.oldest_undelivered_age",
        () => ObservePartners(p => p.Outbound.OldestUndeliveredAt is { } at ? Math.Max(0, (DateTimeOffset.UtcNow - at).TotalSeconds) : 0), "s",
        "Age of the oldest event a partner has not confirmed (0 when none).");

    private static readonly ObservableGauge<double> FederationLastSuccess = Meter.CreateObservableGauge("collab.federation.outbound.last_success_timestamp",
        () => ObservePartners(p => p.Outbound.LastSuccessAt?.ToUnixTimeMilliseconds() / 1000.0 ?? 0), "s", "When a partner last answered a delivery (Unix time; 0: never).");

    private static readonly ObservableGauge<double> FederationLastError = Meter.CreateObservableGauge("collab.federation.outbound.last_error_timestamp",
        () => ObservePartners(p => p.Outbound.LastErrorAt?.ToUnixTimeMilliseconds() / 1000.0 ?? 0), "s", "When a delivery to a partner last failed (Unix time; 0: never).");

    private static readonly ObservableGauge<long> FederationCircuit = Meter.CreateObservableGauge("collab.federation.circuit",
        ObserveCircuits, "{state}", "The outbound link's circuit: 1 for its current state (closed, open, half-open), 0 for the others.");

    private static readonly ObservableGauge<long> FederationApplied = Meter.CreateObservableGauge("collab.federation.inbound.applied_through",
        () => ObservePartners(p => p.Inbound.AppliedThrough), "{event}", "The last seq of a partner's outbox this city has applied.");

    private static readonly Counter<long> Sheds = Meter.CreateCounter<long>("collab.admission.refusals", "{command}",
        "Commands refused with 503 (REST) or an 'overloaded' hub error because the push path was behind (admission control), by channel.");

    private static readonly ObservableGauge<long> PushBacklog = Meter.CreateObservableGauge("collab.push.backlog",
        () => (long)Alive.Keys.Sum(m => m.Service<LiveStreams>()?.PendingBatches ?? 0), "{batch}",
        "Batches this gateway holds waiting for delivery, over all its streams.");

    private readonly IServiceProvider _services;
    private readonly TimeProvider _clock;

    /// <summary>LiveStreams records here, so it is looked up when observed rather than injected.</summary>
    public CollabMetrics(IServiceProvider services)
    {
        _services = services;
        _clock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Alive.TryAdd(this, 0);
    }

    private long _delivered;

    /// <summary>Events this gateway sent to SignalR groups since it started (the operator console's deliveries/s).</summary>
    public long DeliveredTotal => Interlocked.Read(ref _delivered);

    /// <summary>One event sent to one group; <paramref name="exercise"/> when it is a training exercise's (kept apart from real activity).</summary>
    public void Delivered(StreamName stream, Audience audience, bool exercise = false)
    {
        Interlocked.Increment(ref _delivered);
        Deliveries.Add(1, new("kind", stream.Kind.Name), new("audience", WireFormat.Name(audience)), Exercise(exercise));
    }

    public void Resynced(StreamName stream, string reason) =>
        Resyncs.Add(1, new("kind", stream.Kind.Name), new("reason", reason));

    /// <summary>One command answered; <paramref name="exercise"/> when it acted on a training exercise (kept apart from real activity).</summary>
    public void Command(string command, string channel, string outcome, bool exercise = false) =>
        Commands.Add(1, new("command", command), new("channel", channel), new("outcome", outcome), Exercise(exercise));

    /// <summary>The <c>exercise</c> label: <c>true</c> for a training exercise's activity, <c>false</c> for real.</summary>
    private static KeyValuePair<string, object?> Exercise(bool exercise) => new("exercise", exercise ? "true" : "false");

    /// <summary>A batch published at <paramref name="publishedAt"/> was sent to its groups now.</summary>
    public void FannedOut(StreamName stream, DateTimeOffset publishedAt)
    {
        if (publishedAt != default)
        {
            FanOut.Record(Math.Max(0, (_clock.GetUtcNow() - publishedAt).TotalSeconds), new KeyValuePair<string, object?>("kind", stream.Kind.Name));
        }
    }

    public void Replayed(StreamName stream, int events)
    {
        if (events > 0)
        {
            Replays.Add(events, new KeyValuePair<string, object?>("kind", stream.Kind.Name));
        }
    }

    public void RateLimited(string policy) => RateLimitRefusals.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void CutOff() => CutOffs.Add(1);

    public void Shed(string channel) => Sheds.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void ToldToReconnect(int clients) => DrainNotices.Add(clients);

    public void Dispose() => Alive.TryRemove(this, out _);

    /// <summary>
    /// A service of this gateway, or null once its host is being disposed: an exporter may read
    /// while a gateway stops, and one throwing callback would drop the series of every gateway.
    /// </summary>
    private T? Service<T>() where T : class
    {
        try
        {
            return _services.GetService<T>();
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>One reading per partner: in a test process several cities' gateways are alive, each with its own partners.</summary>
    private static IEnumerable<PartnerStatus> Partners() =>
        Alive.Keys
            .Select(m => m.Service<FederationStatus>())
            .OfType<FederationStatus>()
            .SelectMany(f => f.Latest)
            .DistinctBy(p => p.CityId);

    private static IEnumerable<Measurement<T>> ObservePartners<T>(Func<PartnerStatus, T> read) where T : struct =>
        Partners().Select(p => new Measurement<T>(read(p), new KeyValuePair<string, object?>("partner", p.CityId)));

    private static IEnumerable<Measurement<long>> ObserveCircuits() =>
        Partners().SelectMany(p => Enum.GetValues<LinkCircuit>().Select(state => new Measurement<long>(
            p.Outbound.Circuit == state ? 1 : 0,
            new KeyValuePair<string, object?>("partner", p.CityId),
            new KeyValuePair<string, object?>("state", WireFormat.Name(state)))));

    private static IEnumerable<Measurement<long>> Observe(Func<LiveStreams, IEnumerable<(string Kind, int Count)>> read) =>
        Alive.Keys
            .Select(m => m.Service<LiveStreams>())
            .OfType<LiveStreams>()
            .SelectMany(read)
            .GroupBy(c => c.Kind)
            .Select(g => new Measurement<long>(g.Sum(c => c.Count), new KeyValuePair<string, object?>("kind", g.Key)));
}
