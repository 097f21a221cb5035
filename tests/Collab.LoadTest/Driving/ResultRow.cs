namespace Collab.LoadTest.Driving;

/// <summary>One line of the table. Latencies in ms; NaN where a figure does not apply.</summary>
internal sealed record ResultRow
{
    public required string Scenario { get; init; }

    public string Protocol { get; init; } = "-";

    public int N { get; init; }

    public string Load { get; init; } = "-";

    /// <summary>Which repetition of its (scenario, protocol, N, load) this row is; judged rows run <see cref="Plan.Rounds"/> times, alternating the systems.</summary>
    public int Round { get; init; } = 1;

    /// <summary>The load as shown: its repetitions numbered after the first.</summary>
    public string LoadLabel => Round > 1 ? $"{Load} #{Round}" : Load;

    public double OfferedPerSecond { get; init; } = double.NaN;

    public int Messages { get; init; }

    public long Delivered { get; init; }

    public long Expected { get; init; }

    public double DeliveredPerSecond { get; init; } = double.NaN;

    public double P50 { get; init; } = double.NaN;

    public double P99 { get; init; } = double.NaN;

    public double P999 { get; init; } = double.NaN;

    public double AllP50 { get; init; } = double.NaN;

    public double AllP99 { get; init; } = double.NaN;

    /// <summary>The server child's CPU per delivered message (or per call in closed-loop rows).</summary>
    public double ServerCpuMicrosPerMessage { get; init; } = double.NaN;

    /// <summary>The clients' CPU (every client process and the sender) per delivered message.</summary>
    public double ClientCpuMicrosPerMessage { get; init; } = double.NaN;

    /// <summary>Server CPU over the run's wall time × cores: the share of the box the server child used.</summary>
    public double ServerShare { get; init; } = double.NaN;

    /// <summary>The clients' CPU over the run's wall time × cores.</summary>
    public double ClientShare { get; init; } = double.NaN;

    /// <summary>The whole machine's busy time over the run's wall time × cores (every process, ours or not).</summary>
    public double BoxShare { get; init; } = double.NaN;

    /// <summary>The clients used at least <see cref="CpuWindow.ClientBoundShare"/> of the cores: the row measures them, not the server.</summary>
    public bool ClientBound { get; init; }

    /// <summary>Sends that failed (not 2xx and not a refusal), or were not answered by the end of the drain.</summary>
    public int Errors { get; init; }

    /// <summary>Sends refused with 503 or 429: load shed explicitly (their deliveries are not expected).</summary>
    public int Refused { get; init; }

    /// <summary><c>Resync</c> notices the clients received during the run.</summary>
    public long Resyncs { get; init; }

    /// <summary>Clients whose connection closed during the run (cut off by the server, say).</summary>
    public int ClosedClients { get; init; }

    /// <summary>Never arrived: (client, acknowledged message) receipts not received by the end of the drain.</summary>
    public long Missing { get; init; }

    /// <summary>Of <see cref="Missing"/>: to clients that stayed connected and got no <c>Resync</c>.</summary>
    public long MissingSilent { get; init; }

    /// <summary>
    /// Of <see cref="MissingSilent"/>: still not received after waiting longer (the linger), so lost
    /// rather than late; what T7 counts. Equal to <see cref="MissingSilent"/> when nothing was missing.
    /// </summary>
    public long Lost { get; init; }

    /// <summary>A client received a message it already had.</summary>
    public long Duplicates { get; init; }

    /// <summary>Events the clients received that carried no marker of the run (another run's, or not the harness's).</summary>
    public long Stray { get; init; }

    /// <summary>The gateway's own counters over the run (its group sends, resyncs sent, connections cut off); empty for the bare server.</summary>
    public IReadOnlyDictionary<string, long> ServerCounters { get; init; } = new Dictionary<string, long>();

    public string? Note { get; init; }

    /// <summary>What the server (both processes when split) allocated per message (call, command or delivery), in KB.</summary>
    public double ServerKilobytesPerMessage { get; init; } = double.NaN;

    /// <summary>The server's collections and GC pause during the row (both processes when split).</summary>
    public string? ServerGc { get; init; }

    public static ResultRow NotAvailable(string scenario, string reason) => new() { Scenario = scenario, Note = $"n/a ({reason})" };
}
