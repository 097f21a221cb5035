using System.Diagnostics;
using Collab.LoadTest.Clients;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.LoadTest.Driving;

/// <summary>
/// One subscriber that stops reading among healthy ones. <see cref="Healthy"/> JSON clients follow
/// fresh incidents and officers post long public notes, so the staller's buffers fill quickly; the
/// same rate runs once without and once with a <see cref="Staller"/> following the same incidents.
/// On Linux the server's socket send buffer grows to <c>tcp_wmem</c>'s maximum (4 MB by default)
/// for a reader that stops, so the server's own bounds see nothing until that much is queued: the
/// full run sends more than that to the staller (--quick does not, and says how much sat in the kernel). The two rows give the healthy clients' latency with and without it. The staller
/// stays stalled while the rest of the invocation runs; at the end <see cref="PendingStaller"/> tells
/// whether the server cut it off or sent it a <c>Resync</c>, and whether, reconnecting and resuming
/// from its last seq as a real client would, it got every note.
/// </summary>
internal static class SlowConsumer
{
    public const int Healthy = 100;
    public const double Rate = 100;
    public const int NoteLength = 1_800;

    /// <summary>Enough incidents that none collects many notes (a note's REST answer carries every note of its incident).</summary>
    public const int Incidents = 16;

    public static async Task<(List<ResultRow> Rows, PendingStaller Pending)> RunAsync(INotesTarget target, ClientHosts hosts, Plan plan, Func<ResultRow, ResultRow> show, CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        await using var fleet = new ClientFleet(hosts, target.HubUrl, messagePack: false, []);
        var duration = plan.Quick ? TimeSpan.FromSeconds(1.5) : TimeSpan.FromSeconds(30);

        await target.NewIncidentsAsync(Incidents, cancellationToken);
        await fleet.FollowAsync(target.Streams);
        await Sweep.GrowAsync(target, fleet, Healthy);
        await Measure.OpenLoopAsync(target, fleet, hosts, "warm-up", Rate, TimeSpan.FromSeconds(plan.Quick ? 0.5 : 1), plan.Drain, plan.Linger, cancellationToken);

        await target.NewIncidentsAsync(Incidents, cancellationToken);
        await fleet.FollowAsync(target.Streams);
        await Sweep.GrowAsync(target, fleet, Healthy);
        await Measure.SettleAsync(target.Server, cancellationToken);
        var without = show(await Measure.OpenLoopAsync(target, fleet, hosts, $"{Rate:0} notes/s, no staller", Rate, duration, plan.Drain, plan.Linger, cancellationToken));
        rows.Add(without);

        await target.NewIncidentsAsync(Incidents, cancellationToken);
        await fleet.FollowAsync(target.Streams);
        await Sweep.GrowAsync(target, fleet, Healthy);
        var countersBefore = await target.Server.CountersAsync();
        var staller = await Staller.ConnectAsync(target.HubUrl, target.Streams, cancellationToken);
        var stalledAt = Stopwatch.GetTimestamp();
        await Measure.SettleAsync(target.Server, cancellationToken);
        SentRun? sent = null;
        var with = await Measure.OpenLoopAsync(target, fleet, hosts, $"{Rate:0} notes/s, 1 staller", Rate, duration, plan.Drain, plan.Linger, cancellationToken, run => sent = run);
        var ratio = with.P99 / without.P99;
        rows.Add(show(with with { Note = Join(with.Note, $"healthy clients' p99 {ratio:F2} x the run without the staller") }));
        return (rows, new PendingStaller(target, staller, stalledAt, countersBefore, sent!, plan.Quick ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(60)));
    }

    internal static string Join(string? a, string b) => string.IsNullOrEmpty(a) ? b : $"{a}; {b}";
}

/// <summary>
/// A staller left stalled. From the moment it stalls, a watcher polls (twice a second, for at most
/// <c>watch</c>) the gateway's cut-off counter and the kernel's queue for the connection, so the
/// verdict says when the server cut it off and how much had piled up, however late it is read.
/// <see cref="VerdictAsync"/> (at the end of the invocation) then reads what became of it.
/// </summary>
internal sealed class PendingStaller
{
    private const string CutOffs = "collab.hub.cutoffs";
    private readonly INotesTarget _target;
    private readonly Staller _staller;
    private readonly long _stalledAt;
    private readonly IReadOnlyDictionary<string, long> _countersBefore;
    private readonly SentRun _sent;
    private readonly Task<(double? CutAfter, long MaxQueued)> _watching;

    public PendingStaller(INotesTarget target, Staller staller, long stalledAt, IReadOnlyDictionary<string, long> countersBefore, SentRun sent, TimeSpan watch)
    {
        _target = target;
        _staller = staller;
        _stalledAt = stalledAt;
        _countersBefore = countersBefore;
        _sent = sent;
        _watching = Task.Run(() => WatchAsync(watch));
    }

    private async Task<(double? CutAfter, long MaxQueued)> WatchAsync(TimeSpan watch)
    {
        var until = _stalledAt + (long)(watch.TotalSeconds * Stopwatch.Frequency);
        long maxQueued = 0;
        while (Stopwatch.GetTimestamp() < until)
        {
            maxQueued = Math.Max(maxQueued, _staller.KernelQueues()?.ServerSendQueue ?? 0);
            // The gateway counts the connections it cuts off (the bare server counts nothing).
            if (_target is CollabNotesTarget && Measure.Delta(_countersBefore, await _target.Server.CountersAsync()).GetValueOrDefault(CutOffs) > 0)
            {
                return (Stopwatch.GetElapsedTime(_stalledAt).TotalSeconds, maxQueued);
            }

            await Task.Delay(500);
        }

        return (null, maxQueued);
    }

    public async Task<ResultRow> VerdictAsync()
    {
        await using (_staller)
        {
            var (cutAfter, maxQueued) = await _watching;
            var counters = Measure.Delta(_countersBefore, await _target.Server.CountersAsync());
            var stalled = Stopwatch.GetElapsedTime(_stalledAt).TotalSeconds;
            var readout = await _staller.ResumeAsync(TimeSpan.FromSeconds(10));
            var expected = _sent.Acknowledged.ToHashSet(StringComparer.Ordinal);
            var received = new HashSet<string>(readout.Markers.Where(expected.Contains), StringComparer.Ordinal);
            var gotOnResume = received.Count;
            var resyncs = readout.Resyncs;
            string recovery;
            if (readout.Closed && _target is CollabNotesTarget)
            {
                var (recovered, replayResyncs) = await RecoverAsync(readout, expected);
                var before = received.Count;
                received.UnionWith(recovered);
                resyncs += replayResyncs;
                recovery = $"reconnected and resumed from its last seq: {received.Count - before} more notes" + (replayResyncs > 0 ? $", {replayResyncs} Resyncs" : "");
            }
            else
            {
                recovery = readout.Closed ? "not resumed (the bare server keeps no history)" : "still connected: it read the rest";
            }

            var missing = expected.Count - received.Count;
            var verdict = cutAfter is { } after ? $"the server cut it off {after:F0}s after it stalled ({CutOffs} +{counters.GetValueOrDefault(CutOffs)})"
                : readout.Closed ? $"its connection was closed (found {stalled:F0}s after it stalled)"
                : $"not cut off in {stalled:F0}s stalled";
            return new ResultRow
            {
                Scenario = _target.Scenario,
                Protocol = "json",
                N = 1,
                Load = "the staller",
                OfferedPerSecond = SlowConsumer.Rate,
                Messages = _sent.Markers.Length,
                Delivered = received.Count,
                Expected = expected.Count,
                Resyncs = resyncs,
                ClosedClients = readout.Closed ? 1 : 0,
                Missing = missing,
                MissingSilent = readout.Closed || resyncs > 0 ? 0 : missing,
                Lost = resyncs > 0 ? 0 : missing,
                ServerCounters = counters,
                Note = $"{verdict}; at most {maxQueued / 1024} KB waited in the server's socket send queue"
                    + $"; on reading again it had {gotOnResume} of {expected.Count} notes; {recovery}; {missing} never arrived"
                    + (readout.Resyncs > 0 ? $"; {readout.Resyncs} Resyncs were waiting for it" : ""),
            };
        }
    }

    /// <summary>What a client does after a cut-off: reconnects and subscribes again from the last seq it had of each stream.</summary>
    private async Task<(HashSet<string> Markers, int Resyncs)> RecoverAsync(StallerReadout readout, HashSet<string> expected)
    {
        var markers = new HashSet<string>(StringComparer.Ordinal);
        var resyncs = 0;
        var all = new TaskCompletionSource();
        var connection = new HubConnectionBuilder()
            .WithUrl(_target.HubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        connection.On<WireEnvelope>("Event", e =>
        {
            lock (markers)
            {
                if (e.Marker is { } m && expected.Contains(m)) markers.Add(m);
                if (markers.Count + readout.Markers.Count(expected.Contains) >= expected.Count) all.TrySetResult();
            }
        });
        connection.On<WireResync>("Resync", _ => Interlocked.Increment(ref resyncs));
        await using (connection)
        {
            await connection.StartAsync();
            foreach (var stream in _target.Streams)
            {
                await connection.InvokeAsync("Subscribe", stream, readout.LastSeq.GetValueOrDefault(stream));
            }

            await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(5)));
        }

        lock (markers)
        {
            return ([.. markers], resyncs);
        }
    }
}
