using System.Globalization;

namespace Collab.LoadTest;

/// <summary>Command line of the harness (driver) and of its server child (<c>--serve</c>).</summary>
internal sealed class LoadOptions
{
    public bool Quick { get; private set; }

    public bool Check { get; private set; }

    public string? JsonFile { get; private set; }

    /// <summary>PostgreSQL connection string for e2e-postgres (<c>--pg</c> or <c>COLLAB_LOADTEST_PG</c>).</summary>
    public string? Postgres { get; private set; }

    /// <summary>Child mode: <c>signalr</c> (bare hub) or <c>collab</c> (silo + gateway).</summary>
    public string? Serve { get; private set; }

    /// <summary>Child mode: <c>Memory</c> or <c>AdoNet</c>.</summary>
    public string Storage { get; private set; } = "Memory";

    /// <summary>Fan-out sizes to sweep.</summary>
    public int[] Sweep { get; private set; } = [];

    /// <summary>Parts to run (orleans, signalr, e2e, commands, notes, slow, idle, pg, federation, federation-soak); empty: all but federation-soak (and federation only in a full run).</summary>
    public HashSet<string> Only { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Runs(string part) => part switch
    {
        "federation" => Only.Contains(part) || (Only.Count == 0 && !Quick),
        // Minutes long: only when named.
        "federation-soak" => Only.Contains(part),
        _ => Only.Count == 0 || Only.Contains(part),
    };

    /// <summary>Child processes the subscribers are spread over (0: all in the driver).</summary>
    public int ClientProcesses { get; private set; } = 2;

    /// <summary>Child mode: a client host (<c>--clients</c>).</summary>
    public bool ClientHost { get; private set; }

    /// <summary>Seconds each closed-loop row is measured, overriding the plan's (long rows to trace or profile a command path).</summary>
    public double? ClosedSeconds { get; private set; }

    /// <summary>
    /// Subscribers of the followed neighbourhood while T3's commands run (1: T3 as judged). With 0
    /// no event of theirs is pushed anywhere: the difference is what the push costs a command.
    /// </summary>
    public int CommandSubscribers { get; private set; } = 1;

    /// <summary>Connections for the idle-memory measurement (T4).</summary>
    public int IdleConnections { get; private set; }

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"'{args[i]}' needs a value.");
            switch (args[i])
            {
                case "--quick": o.Quick = true; break;
                case "--check": o.Check = true; break;
                case "--json": o.JsonFile = Next(); break;
                case "--pg": o.Postgres = Next(); break;
                case "--serve": o.Serve = Next(); break;
                case "--storage": o.Storage = Next(); break;
                case "--sweep": o.Sweep = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
                case "--only": o.Only = new HashSet<string>(Next().Split(','), StringComparer.OrdinalIgnoreCase); break;
                case "--idle": o.IdleConnections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--client-procs": o.ClientProcesses = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--clients": o.ClientHost = true; break;
                case "--closed": o.ClosedSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--command-subscribers": o.CommandSubscribers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Use --quick, --check, --json FILE, --pg CONNSTRING, --sweep 1,100,1000,5000, --idle 10000, --client-procs 2, --closed SECONDS, --command-subscribers 0, --only orleans,signalr,e2e,commands,notes,slow,idle,pg,federation,federation-soak.");
            }
        }

        if (o.ClientProcesses is < 0 or > 16)
        {
            throw new ArgumentException("--client-procs must be between 0 (clients in the driver) and 16.");
        }

        if (o.CommandSubscribers is < 0 or > 1_000)
        {
            throw new ArgumentException("--command-subscribers must be between 0 and 1000.");
        }

        if (string.IsNullOrEmpty(o.Postgres) && Environment.GetEnvironmentVariable("COLLAB_LOADTEST_PG") is { Length: > 0 } pg)
        {
            o.Postgres = pg;
        }

        if (o.Sweep.Length == 0)
        {
            o.Sweep = o.Quick ? [100, 1_000] : [1, 100, 1_000, 5_000];
        }

        if (o.IdleConnections == 0)
        {
            // Connecting 10,000 clients takes 10-15 s on a busy 2-core box; --quick measures 5,000.
            o.IdleConnections = o.Quick ? 5_000 : 10_000;
        }

        return o;
    }
}
