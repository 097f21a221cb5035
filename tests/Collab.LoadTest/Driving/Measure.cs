using System.Diagnostics;
using Collab.LoadTest.Clients;
using HdrHistogram;

namespace Collab.LoadTest.Driving;

/// <summary>The two kinds of run: open-loop fan-out at a fixed rate, and bounded-in-flight call throughput.</summary>
internal static class Measure
{
    private static int s_run;

    public static int NextRun() => Interlocked.Increment(ref s_run);

    /// <summary>
    /// Sends <c>rate × duration</c> messages at fixed times whatever the completions, then waits
    /// (at most <paramref name="drain"/>) until every connected client has every acknowledged
    /// message. When some are still missing it waits <paramref name="linger"/> longer, to tell late
    /// from lost; the row's figures are those at the end of the drain.
    /// </summary>
    public static async Task<ResultRow> OpenLoopAsync(IFanOutTarget target, ClientFleet fleet, ClientHosts hosts, string load, double rate, TimeSpan duration, TimeSpan drain, TimeSpan linger, CancellationToken cancellationToken,
        Action<SentRun>? sent = null)
    {
        var run = NextRun();
        var count = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));
        var markers = Enumerable.Range(0, count).Select(i => target.Marker(run, i)).ToArray();
        var countersBefore = await target.Server.CountersAsync();
        var gcBefore = await target.Server.GcAsync();
        await using var cpu = await CpuWindow.StartAsync(target.Server.CpuAsync, hosts.CpuAsync);
        // The first message is due a little after every client process knows the run, so none is early.
        var spec = new RunSpec(run, markers, Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5, Stopwatch.Frequency / rate);
        await fleet.BeginAsync(spec);
        var outcomes = new SendOutcome?[count];
        var sends = await OpenLoopScheduler.RunAsync([.. Enumerable.Range(0, count).Select(spec.Intended)], async index =>
        {
            try
            {
                outcomes[index] = await target.SendAsync(run, index, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                outcomes[index] = SendOutcome.Failed;
            }
        });

        var deadline = Stopwatch.GetTimestamp() + (long)(drain.TotalSeconds * Stopwatch.Frequency);
        try
        {
            await Task.WhenAll(sends).WaitAsync(drain, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Unanswered sends are reported in the row; the run stays bounded in time.
        }

        var sendsDone = Stopwatch.GetTimestamp();
        var unacknowledged = Enumerable.Range(0, count).Where(i => outcomes[i] != SendOutcome.Acknowledged).ToHashSet();
        sent?.Invoke(new SentRun(markers, unacknowledged));
        await fleet.WaitAsync(unacknowledged, deadline, cancellationToken);
        var reports = await fleet.ReportAsync(unacknowledged);
        var used = await cpu.StopAsync();
        var gc = await target.Server.GcAsync() - gcBefore;
        var deliveries = Deliveries.Merge(reports, count, count - unacknowledged.Count);
        var lost = deliveries.MissingSilent;
        if (deliveries.Missing > 0)
        {
            await fleet.WaitAsync(unacknowledged, Stopwatch.GetTimestamp() + (long)(linger.TotalSeconds * Stopwatch.Frequency), cancellationToken);
            lost = (await fleet.ReportAsync(unacknowledged)).Sum(r => r.MissingSilent);
        }

        await fleet.EndAsync();
        var counters = Delta(countersBefore, await target.Server.CountersAsync());
        var delivered = deliveries.Delivered;
        var elapsed = delivered == 0 ? double.NaN : Stopwatch.GetElapsedTime(spec.Start, deliveries.LastReceipt).TotalSeconds;
        // The shares of the box cover the run's active part: from the first send until the last receipt (or until the sends were answered).
        var (serverShare, clientShare, boxShare) = cpu.Shares(spec.Start, Math.Max(deliveries.LastReceipt, sendsDone));
        var refused = outcomes.Count(o => o == SendOutcome.Refused);
        var unanswered = outcomes.Count(o => o is null);
        return new ResultRow
        {
            Scenario = target.Scenario,
            Protocol = fleet.MessagePack ? "msgpack" : "json",
            N = fleet.Count,
            Load = load,
            OfferedPerSecond = rate,
            Messages = count,
            Delivered = delivered,
            Expected = deliveries.Expected,
            DeliveredPerSecond = delivered / elapsed,
            P50 = deliveries.Each(50),
            P99 = deliveries.Each(99),
            P999 = deliveries.Each(99.9),
            AllP50 = deliveries.All(50),
            AllP99 = deliveries.All(99),
            ServerCpuMicrosPerMessage = PerMessage(used.Server, delivered),
            ClientCpuMicrosPerMessage = PerMessage(used.Clients, delivered),
            ServerKilobytesPerMessage = gc.KilobytesPer(delivered),
            ServerGc = gc.ToString(),
            ServerShare = serverShare,
            ClientShare = clientShare,
            BoxShare = boxShare,
            ClientBound = clientShare >= CpuWindow.ClientBoundShare,
            Errors = count - refused - outcomes.Count(o => o == SendOutcome.Acknowledged),
            Refused = refused,
            Resyncs = deliveries.Resyncs,
            ClosedClients = deliveries.ClosedClients,
            Missing = deliveries.Missing,
            MissingSilent = deliveries.MissingSilent,
            Lost = lost,
            Duplicates = deliveries.Duplicates,
            Stray = deliveries.Stray,
            ServerCounters = counters,
            Note = Note(deliveries, lost, unanswered, refused, drain, linger, counters),
        };
    }

    /// <summary>
    /// Runs a closed-loop path unmeasured until its server is warm: at least <see cref="Plan.Warmup"/>,
    /// then on in one-second slices while the server's JIT still compiled more than
    /// <see cref="SettledJitMethods"/> methods in the last one, up to <see cref="MaxWarmup"/>. A
    /// fixed 3 s warmed the bare server, whose path is short, but measured Collab's first loaded row
    /// while its two processes were still recompiling the framework at tier 1 (0.3–0.9 s of JIT time
    /// per second for ~20 s): whichever command row came first ran at a quarter of the rate of the
    /// one after it. Returns how long the warm-up took.
    /// </summary>
    public static async Task<TimeSpan> WarmAsync(string scenario, ServerProcess server, Func<int, Task<bool>> call, int inFlight, Plan plan, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await ClosedLoopAsync(scenario, server, call, inFlight, plan.Warmup, cancellationToken);
        var compiled = await server.JitMethodsAsync();
        while (Stopwatch.GetElapsedTime(started) < MaxWarmup)
        {
            await ClosedLoopAsync(scenario, server, call, inFlight, TimeSpan.FromSeconds(1), cancellationToken);
            var now = await server.JitMethodsAsync();
            if (now - compiled <= SettledJitMethods)
            {
                break;
            }

            compiled = now;
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>A row's note on its warm-up.</summary>
    public static string Warm(TimeSpan warmup) => $"warm after {warmup.TotalSeconds:F0} s";

    /// <summary>JIT compilations per second below which a server counts as warm.</summary>
    public const int SettledJitMethods = 25;

    /// <summary>The longest a warm-up runs, settled or not.</summary>
    public static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(40);

    /// <summary>
    /// Keeps <paramref name="inFlight"/> calls outstanding for <paramref name="duration"/>: the
    /// capacity of a request path, for T3.
    /// </summary>
    public static async Task<ResultRow> ClosedLoopAsync(string scenario, ServerProcess server, Func<int, Task<bool>> call, int inFlight, TimeSpan duration, CancellationToken cancellationToken)
    {
        var histogram = new LongHistogram(600_000_000, 3);
        var histogramLock = new Lock();
        var next = -1;
        var completed = 0L;
        var errors = 0;
        var gcBefore = await server.GcAsync();
        await using var cpu = await CpuWindow.StartAsync(server.CpuAsync);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                var began = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await call(Interlocked.Increment(ref next));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ok = false;
                }

                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }

                var micros = Math.Clamp((long)Stopwatch.GetElapsedTime(began).TotalMicroseconds, 1, 600_000_000);
                lock (histogramLock) histogram.RecordValue(micros);
                Interlocked.Increment(ref completed);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var used = await cpu.StopAsync();
        var gc = await server.GcAsync() - gcBefore;
        var (serverShare, clientShare, boxShare) = cpu.Shares(start, Stopwatch.GetTimestamp());
        double At(double p) => histogram.TotalCount == 0 ? double.NaN : histogram.GetValueAtPercentile(p) / 1000.0;
        return new ResultRow
        {
            Scenario = scenario,
            N = 1,
            Load = $"max({inFlight} in flight)",
            Messages = (int)completed,
            Delivered = completed,
            Expected = completed,
            DeliveredPerSecond = completed / elapsed,
            P50 = At(50),
            P99 = At(99),
            P999 = At(99.9),
            ServerCpuMicrosPerMessage = PerMessage(used.Server, completed),
            ClientCpuMicrosPerMessage = PerMessage(used.Clients, completed),
            ServerKilobytesPerMessage = gc.KilobytesPer(completed),
            ServerGc = gc.ToString(),
            ServerShare = serverShare,
            ClientShare = clientShare,
            BoxShare = boxShare,
            ClientBound = clientShare >= CpuWindow.ClientBoundShare,
            Errors = errors,
            Note = "per call/command, not per delivery",
        };
    }

    /// <summary>
    /// Waits (at most 2 s) until the server child is nearly idle, so work queued by one run
    /// (an overloaded open-loop run leaves a backlog) does not land in the next one.
    /// </summary>
    public static async Task SettleAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
        var last = await server.CpuAsync();
        while (Stopwatch.GetTimestamp() < until)
        {
            await Task.Delay(250, cancellationToken);
            var now = await server.CpuAsync();
            if (now - last < TimeSpan.FromMilliseconds(50)) return;
            last = now;
        }
    }

    /// <summary>What each counter added from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static IReadOnlyDictionary<string, long> Delta(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));

    private static string? Note(Deliveries d, long lost, int unanswered, int refused, TimeSpan drain, TimeSpan linger, IReadOnlyDictionary<string, long> server)
    {
        var parts = new List<string>();
        if (d.Missing > 0)
        {
            parts.Add($"{d.Missing} never arrived within {drain.TotalSeconds:F0}s ({d.MissingSilent} to connected clients without Resync; "
                + $"{lost} of those still missing {linger.TotalSeconds:F0}s later)");
        }

        if (d.ClosedClients > 0) parts.Add($"{d.ClosedClients} clients disconnected");
        if (d.ResyncedClients > 0) parts.Add($"{d.ResyncedClients} clients resynced");
        if (unanswered > 0) parts.Add($"{unanswered} sends unanswered");
        if (refused > 0) parts.Add($"{refused} sends refused (503/429)");
        if (d.Duplicates > 0) parts.Add($"{d.Duplicates} DUPLICATE receipts");
        if (server.GetValueOrDefault("collab.hub.cutoffs") is > 0 and var cut) parts.Add($"server cut off {cut} connections");
        if (server.GetValueOrDefault("collab.resyncs") is > 0 and var resyncs) parts.Add($"server sent {resyncs} Resyncs");
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static double PerMessage(TimeSpan cpu, long messages) =>
        messages == 0 ? double.NaN : cpu.TotalMicroseconds / messages;
}

/// <summary>What a run sent: its markers, and which of them were not acknowledged.</summary>
internal sealed record SentRun(string[] Markers, IReadOnlySet<int> Unacknowledged)
{
    public IEnumerable<string> Acknowledged => Markers.Where((_, i) => !Unacknowledged.Contains(i));
}
