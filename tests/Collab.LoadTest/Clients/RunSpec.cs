namespace Collab.LoadTest.Clients;

/// <summary>
/// One measured run as the clients see it: message <c>i</c> carries <c>Markers[i]</c> and is due
/// at <c>Start + i × Interval</c> (<see cref="System.Diagnostics.Stopwatch"/> ticks: the system's
/// monotonic clock, the same in every process on the machine, so client processes measure
/// latency against the driver's schedule).
/// </summary>
internal sealed record RunSpec(int Run, string[] Markers, long Start, double Interval)
{
    public long Intended(int i) => Start + (long)(i * Interval);
}

/// <summary>
/// What one process's clients received in a run. <see cref="Received"/> and <see cref="Slowest"/>
/// are per message, so the driver can tell, over every client process, when the last of all N
/// clients had each message.
/// </summary>
internal sealed record ReceiptReport
{
    public int Clients { get; init; }

    /// <summary>Distinct (client, message) receipts.</summary>
    public long Delivered { get; init; }

    /// <summary>A client received a message it already had.</summary>
    public long Duplicates { get; init; }

    /// <summary>Events that carried no marker of this run (another run's, or another audience's event).</summary>
    public long Stray { get; init; }

    /// <summary><c>Resync</c> notices received.</summary>
    public long Resyncs { get; init; }

    /// <summary>Clients that received at least one <c>Resync</c>.</summary>
    public int ResyncedClients { get; init; }

    /// <summary>Clients whose connection closed (e.g. cut off by the server) during the run.</summary>
    public int ClosedClients { get; init; }

    /// <summary>(client, acknowledged message) pairs not received.</summary>
    public long Missing { get; init; }

    /// <summary>Of <see cref="Missing"/>: to clients that stayed connected and got no <c>Resync</c>: lost without a word.</summary>
    public long MissingSilent { get; init; }

    /// <summary>Timestamp of the last receipt (0: none).</summary>
    public long LastReceipt { get; init; }

    /// <summary>Per message: how many of this process's clients received it.</summary>
    public int[] Received { get; init; } = [];

    /// <summary>Per message: the slowest receipt among them, in µs from its intended time.</summary>
    public long[] Slowest { get; init; } = [];

    /// <summary>The latency histogram of every receipt as (µs, count) pairs.</summary>
    public long[] Each { get; init; } = [];

    /// <summary>This process's CPU time during the run (0 for clients inside the driver, which counts its own).</summary>
    public double CpuMilliseconds { get; init; }
}
