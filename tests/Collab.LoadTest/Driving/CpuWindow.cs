using System.Diagnostics;
using System.Globalization;

namespace Collab.LoadTest.Driving;

/// <summary>
/// CPU used during one run: the server child's, the clients' (this process and every client
/// child), and the whole machine's busy time from <c>/proc/stat</c>, so a row can say which side
/// the box's cores went to and whether the clients, not the server, were the bottleneck.
/// </summary>
internal sealed class CpuWindow
{
    /// <summary>Clients using this share of the cores or more make a row client-bound.</summary>
    public const double ClientBoundShare = 0.9;

    private readonly TimeSpan _driverAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly double _boxAtStart = BusySeconds();

    public static int Cores => Environment.ProcessorCount;

    public TimeSpan DriverUsed => Process.GetCurrentProcess().TotalProcessorTime - _driverAtStart;

    public double BoxUsedSeconds => BoxAvailable ? BusySeconds() - _boxAtStart : double.NaN;

    private static bool BoxAvailable => File.Exists("/proc/stat");

    public static double Share(TimeSpan cpu, double wallSeconds) =>
        wallSeconds > 0 ? cpu.TotalSeconds / (wallSeconds * Cores) : double.NaN;

    public static double Share(double cpuSeconds, double wallSeconds) =>
        wallSeconds > 0 ? cpuSeconds / (wallSeconds * Cores) : double.NaN;

    /// <summary>The machine's busy CPU seconds since boot: every state but idle and iowait, from the first line of <c>/proc/stat</c>.</summary>
    private static double BusySeconds()
    {
        if (!BoxAvailable) return double.NaN;
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
}
