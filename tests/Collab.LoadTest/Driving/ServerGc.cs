using System.Globalization;

namespace Collab.LoadTest.Driving;

/// <summary>
/// A server process's garbage collector so far: bytes allocated, collections per generation and the
/// total time it was paused for them. Two readings bracket a row; their difference is what the row
/// cost the GC (summed over both processes of a split server).
/// </summary>
internal sealed record ServerGc(long AllocatedBytes, int Gen0, int Gen1, int Gen2, double PauseMilliseconds)
{
    /// <summary>The child's answer to <c>gc</c>: <c>gc bytes gen0 gen1 gen2 pause-ms</c>.</summary>
    public static ServerGc Parse(string reply)
    {
        var parts = reply.Split(' ');
        return new ServerGc(
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture),
            int.Parse(parts[3], CultureInfo.InvariantCulture),
            int.Parse(parts[4], CultureInfo.InvariantCulture),
            double.Parse(parts[5], CultureInfo.InvariantCulture));
    }

    /// <summary>This process's reading, as the child answers it.</summary>
    public static string Reply() => string.Create(CultureInfo.InvariantCulture,
        $"gc {GC.GetTotalAllocatedBytes(precise: false)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:F1}");

    public static ServerGc operator +(ServerGc a, ServerGc b) =>
        new(a.AllocatedBytes + b.AllocatedBytes, a.Gen0 + b.Gen0, a.Gen1 + b.Gen1, a.Gen2 + b.Gen2, a.PauseMilliseconds + b.PauseMilliseconds);

    public static ServerGc operator -(ServerGc a, ServerGc b) =>
        new(a.AllocatedBytes - b.AllocatedBytes, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.PauseMilliseconds - b.PauseMilliseconds);

    /// <summary>KB allocated per message (call, command or delivery).</summary>
    public double KilobytesPer(long messages) => messages > 0 ? AllocatedBytes / 1024.0 / messages : double.NaN;

    /// <summary>How a row prints it: collections per generation and the pause they cost.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"gc={Gen0}/{Gen1}/{Gen2} pause={PauseMilliseconds:F0}ms");
}
