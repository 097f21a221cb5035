using System.Diagnostics;
using HdrHistogram;

namespace Collab.LoadTest.Driving;

/// <summary>The two kinds of run: open-loop fan-out at a fixed rate, and bounded-in-flight call throughput.</summary>
internal static class Measure
{
    private static int s_run;

    public static int NextRun() => Interlocked.Increment(ref s_run);

    /// <summary>
    /// Sends <c>rate × duration</c> messages at fixed times whatever the completions, then waits
    /// (at most <paramref name="drain"/>) until every client has every message.
    /// </summary>
    public static async Task<ResultRow> OpenLoopAsync(IFanOutTarget target, ClientPool pool, string load, double rate, TimeSpan duration, TimeSpan drain, CancellationToken cancellationToken)
    {
        var run = NextRun();
        var count = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));
        var markers = Enumerable.Range(0, count).Select(i => target.Marker(run, i)).ToArray();
        var interval = Stopwatch.Frequency / rate;
        var serverCpu = await target.Server.CpuAsync();
        var cpu = new CpuWindow();
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 50;
        var intended = Enumerable.Range(0, count).Select(i => start + (long)(i * interval)).ToArray();
        var recorder = new RunRecorder(markers, intended, pool.Count);
        pool.Sink.Current = recorder;
        var errors = 0;
        var sends = await OpenLoopScheduler.RunAsync(intended, async index =>
        {
            try
            {
                if (!await target.SendAsync(run, index, cancellationToken)) Interlocked.Increment(ref errors);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }
        });

        await recorder.WaitAsync(drain, cancellationToken);
        var pending = 0;
        try
        {
            await Task.WhenAll(sends).WaitAsync(drain, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Reported in the row; the run stays bounded in time.
            pending = sends.Count(t => !t.IsCompleted);
        }

        var sendsDone = Stopwatch.GetTimestamp();

        pool.Sink.Current = null;
        var serverCpuUsed = await target.Server.CpuAsync() - serverCpu;
        var clientCpuUsed = cpu.DriverUsed;
        var boxUsed = cpu.BoxUsedSeconds;
        var delivered = recorder.Delivered;
        var elapsed = delivered == 0 ? double.NaN : Stopwatch.GetElapsedTime(start, recorder.LastReceipt).TotalSeconds;
        // The run's wall time for the CPU shares: from the first send until the last receipt (or the end of the drain when nothing came).
        var wall = Stopwatch.GetElapsedTime(start, Math.Max(recorder.LastReceipt, sendsDone)).TotalSeconds;
        return new ResultRow
        {
            Scenario = target.Scenario,
            Protocol = pool.MessagePack ? "msgpack" : "json",
            N = pool.Count,
            Load = load,
            OfferedPerSecond = rate,
            Messages = count,
            Delivered = delivered,
            Expected = recorder.Expected,
            DeliveredPerSecond = delivered / elapsed,
            P50 = recorder.Each(50),
            P99 = recorder.Each(99),
            P999 = recorder.Each(99.9),
            AllP50 = recorder.All(50),
            AllP99 = recorder.All(99),
            ServerCpuMicrosPerMessage = PerMessage(serverCpuUsed, delivered),
            ClientCpuMicrosPerMessage = PerMessage(clientCpuUsed, delivered),
            ServerShare = CpuWindow.Share(serverCpuUsed, wall),
            ClientShare = CpuWindow.Share(clientCpuUsed, wall),
            BoxShare = CpuWindow.Share(boxUsed, wall),
            ClientBound = CpuWindow.Share(clientCpuUsed, wall) >= CpuWindow.ClientBoundShare,
            Errors = errors,
            Note = Note(recorder.Expected - delivered, pending, recorder.Duplicates, drain),
        };
    }

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
        var serverCpu = await server.CpuAsync();
        var cpu = new CpuWindow();
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
        var serverCpuUsed = await server.CpuAsync() - serverCpu;
        var clientCpuUsed = cpu.DriverUsed;
        var boxUsed = cpu.BoxUsedSeconds;
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
            ServerCpuMicrosPerMessage = PerMessage(serverCpuUsed, completed),
            ClientCpuMicrosPerMessage = PerMessage(clientCpuUsed, completed),
            ServerShare = CpuWindow.Share(serverCpuUsed, elapsed),
            ClientShare = CpuWindow.Share(clientCpuUsed, elapsed),
            BoxShare = CpuWindow.Share(boxUsed, elapsed),
            ClientBound = CpuWindow.Share(clientCpuUsed, elapsed) >= CpuWindow.ClientBoundShare,
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

    private static string? Note(long missing, int pending, long duplicates, TimeSpan drain)
    {
        var parts = new List<string>();
        if (missing > 0) parts.Add($"{missing} not received within {drain.TotalSeconds:F0}s");
        if (pending > 0) parts.Add($"{pending} sends unanswered");
        if (duplicates > 0) parts.Add($"{duplicates} DUPLICATE receipts");
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static double PerMessage(TimeSpan cpu, long messages) =>
        messages == 0 ? double.NaN : cpu.TotalMicroseconds / messages;
}
