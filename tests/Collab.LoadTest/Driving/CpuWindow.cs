using System.Diagnostics;
using System.Globalization;

namespace Collab.LoadTest.Driving;

/// <summary>
/// CPU used during one run: the server child's, the clients' (this process and every client
/// child), and the whole machine's busy time from <c>/proc/stat</c>. Sampled every
/// <see cref="Period"/> while the run lasts, so the shares of the box cover exactly the run's
/// active part (first send to last receipt), not the idle end of a drain.
/// </summary>
internal sealed class CpuWindow : IAsyncDisposable
{
    /// <summary>Clients using this share of the cores or more make a row client-bound.</summary>
    public const double ClientBoundShare = 0.9;

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    private readonly Func<Task<TimeSpan>> _server;
    private readonly Func<Task<TimeSpan>> _clients;
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    private CpuWindow(Func<Task<TimeSpan>> server, Func<Task<TimeSpan>> clients, Sample first)
    {
        _server = server;
        _clients = clients;
        _samples.Add(first);
        _sampling = Task.Run(SampleAsync);
    }

    public static int Cores => Environment.ProcessorCount;

    /// <summary>Starts sampling. <paramref name="clients"/> reads the client processes' CPU; this process's own is added.</summary>
    public static async Task<CpuWindow> StartAsync(Func<Task<TimeSpan>> server, Func<Task<TimeSpan>>? clients = null)
    {
        clients ??= () => Task.FromResult(TimeSpan.Zero);
        var first = await ReadAsync(server, clients);
        return new CpuWindow(server, clients, first);
    }

    /// <summary>Stops sampling, takes a last sample, and returns the CPU used from the first to the last.</summary>
    public async Task<CpuUse> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        var last = await ReadAsync(_server, _clients);
        lock (_samples)
        {
            _samples.Add(last);
            return new CpuUse(last.Server - _samples[0].Server, last.Clients - _samples[0].Clients);
        }
    }

    /// <summary>Shares of the cores from <paramref name="from"/> to <paramref name="to"/> (timestamps), from the samples nearest them.</summary>
    public (double Server, double Clients, double Box) Shares(long from, long to)
    {
        lock (_samples)
        {
            var a = _samples.LastOrDefault(s => s.At <= from) ?? _samples[0];
            var b = _samples.FirstOrDefault(s => s.At >= to) ?? _samples[^1];
            var wall = Stopwatch.GetElapsedTime(a.At, b.At).TotalSeconds;
            return (Share((b.Server - a.Server).TotalSeconds, wall), Share((b.Clients - a.Clients).TotalSeconds, wall), Share(b.Box - a.Box, wall));
        }
    }

    public static double Share(double cpuSeconds, double wallSeconds) =>
        wallSeconds > 0 ? cpuSeconds / (wallSeconds * Cores) : double.NaN;

    private async Task SampleAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(Period, _stop.Token);
                var sample = await ReadAsync(_server, _clients);
                lock (_samples)
                {
                    _samples.Add(sample);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private static async Task<Sample> ReadAsync(Func<Task<TimeSpan>> server, Func<Task<TimeSpan>> clients)
    {
        var serverCpu = server();
        var clientCpu = clients();
        var own = Process.GetCurrentProcess().TotalProcessorTime;
        return new Sample(Stopwatch.GetTimestamp(), await serverCpu, own + await clientCpu, BusySeconds());
    }

    /// <summary>The machine's busy CPU seconds since boot: every state but idle and iowait, from the first line of <c>/proc/stat</c>.</summary>
    private static double BusySeconds()
    {
        if (!File.Exists("/proc/stat")) return double.NaN;
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long total = 0;
        long idle = 0;
        // cpu user nice system idle iowait irq softirq steal (guest times are already in user and nice).
        for (var i = 1; i < Math.Min(fields.Length, 9); i++)
        {
            var ticks = long.Parse(fields[i], CultureInfo.InvariantCulture);
            total += ticks;
            if (i is 4 or 5) idle += ticks;
        }

        // USER_HZ is 100 on every Linux the harness runs on.
        return (total - idle) / 100.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _sampling;
        }

        _stop.Dispose();
    }

    private sealed record Sample(long At, TimeSpan Server, TimeSpan Clients, double Box);
}

/// <summary>CPU time used during a run by the server child and by the clients (every client process and the sender).</summary>
internal sealed record CpuUse(TimeSpan Server, TimeSpan Clients);
