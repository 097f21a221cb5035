using System.Diagnostics;
using Collab.LoadTest.Clients;

namespace Collab.LoadTest.Driving;

/// <summary>
/// Runs every scenario in one invocation: the servers in child processes (so their CPU and memory
/// are theirs alone), the clients and command senders here. Prints the table, optionally writes
/// JSON, and ends with exactly one <c>targets:</c> line.
/// </summary>
internal static class Driver
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var plan = Plan.From(options);
        Console.WriteLine($"Collab load test ({(plan.Quick ? "quick" : "full")}): {Environment.ProcessorCount} cores; servers in child processes; "
            + (options.ClientProcesses == 0 ? "all clients in this one." : $"subscribers spread over {options.ClientProcesses} client processes, command senders in this one."));
        var total = Elapsed;
        // A bound, not a schedule: a quick run takes six to seven minutes on two cores, and up to
        // twice that on a slow day of a shared machine (rows wait for their server's JIT to settle).
        var allowed = plan.Quick ? TimeSpan.FromMinutes(16) : TimeSpan.FromMinutes(60);
        using var budget = new CancellationTokenSource(allowed);
        List<ResultRow> rows;
        double idleKilobytes;
        string? postgresUnavailable;
        Targets.Verdict? soak = null;
        try
        {
            (rows, idleKilobytes, postgresUnavailable) = await RunAllAsync(options, plan, budget.Token);
            if (options.Runs("federation-soak"))
            {
                var (soakRow, verdict) = await FederationSoak.RunAsync(options, budget.Token);
                rows.Add(Show(soakRow));
                soak = verdict;
            }
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            Console.WriteLine($"The run's time budget ({allowed.TotalMinutes:F0} min) ran out after {total.Elapsed.TotalSeconds:F0}s: this machine is slower "
                + "than the harness allows for, so nothing is judged. Run fewer scenarios (--only) or a shorter sweep (--sweep).");
            Console.WriteLine("targets: none judged (time budget exhausted)");
            return 3;
        }

        Console.WriteLine();
        Console.WriteLine(Report.Table(rows));
        Console.WriteLine("Latency is from each message's intended send time (open loop) to receipt; 'allN' is until the last of N clients had it.");
        Console.WriteLine("srv µs/msg: CPU of the server child per delivered message (e2e: silo + gateway in one process); cli: every client process and this one (the sender).");
        Console.WriteLine($"srv/cli/box %: CPU of the server child, of the clients, of the whole machine, over the run's wall time x {CpuWindow.Cores} cores; "
            + $"CLIENT-BOUND: the clients used >= {CpuWindow.ClientBoundShare:P0} of the cores, so the row measures them, not the server.");
        Console.WriteLine("resyncs: Resync notices the clients received; missing: receipts of acknowledged messages that never arrived by the end of the drain; "
            + "lost: of those, to clients that stayed connected and got no Resync, still missing after a further wait (T7).");
        var verdicts = Targets.Evaluate(rows, idleKilobytes, postgresUnavailable).ToList();
        if (soak is not null) verdicts.Add(soak);
        if (options.JsonFile is { } file)
        {
            await Report.WriteJsonAsync(file, new
            {
                quick = plan.Quick,
                cores = Environment.ProcessorCount,
                seconds = total.Elapsed.TotalSeconds,
                rows,
                idleKilobytesPerConnection = idleKilobytes,
                targets = verdicts,
            });
            Console.WriteLine($"JSON written to {file}.");
        }

        Console.WriteLine($"Took {total.Elapsed.TotalSeconds:F0}s.");
        foreach (var line in Targets.Details(rows))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(Targets.Line(verdicts));
        return options.Check && verdicts.Any(v => v.Status == "miss") ? 1 : 0;
    }

    private static async Task<(List<ResultRow> Rows, double IdleKilobytes, string? PostgresUnavailable)> RunAllAsync(LoadOptions options, Plan plan, CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        var bareStart = ServerProcess.StartAsync(["--serve", "signalr"], null, TimeSpan.FromSeconds(60));
        var collabStart = ServerProcess.StartSplitAsync("Memory", null, TimeSpan.FromSeconds(90));
        var hostsStart = ClientHosts.StartAsync(options.ClientProcesses);
        await using var database = await ThrowawayDatabase.ForAsync(options);
        var (postgresStart, postgresUnavailable) = StartPostgres(options, database);
        await using var bare = await bareStart;
        await using var collab = await collabStart;
        await using var hosts = await hostsStart;
        ServerProcess? postgres = null;
        try
        {
            if (postgresStart is not null)
            {
                try
                {
                    postgres = await postgresStart;
                }
                catch (InvalidOperationException ex)
                {
                    postgresUnavailable = ex.Message;
                }
            }

            var memoryTarget = default(CollabTarget);
            async Task<CollabTarget> Memory() => memoryTarget ??= await CollabTarget.CreateAsync("e2e-memory", collab);
            var durable = postgres is null ? null : await CollabTarget.CreateAsync("e2e-postgres", postgres);
            // Commands before the sweep: every report grows the neighbourhood's state, and T3 compares with a fresh cluster.
            rows.AddRange(await CommandRuns.RoundsAsync(collab, bare, Memory, durable, options, plan, Show, cancellationToken));
            if (options.Runs("commands") && !plan.Quick) rows.Add(Show(await CommandRuns.ReportsAsync(await Memory(), "e2e-memory-reports", plan, cancellationToken)));
            var memory = await Memory();

            // The slow consumer before the sweep: its staller stays stalled while the rest runs, and
            // what became of it is read at the end.
            var stallers = new List<PendingStaller>();
            if (options.Runs("slow"))
            {
                var slow = new List<INotesTarget>();
                if (!plan.Quick) slow.Add(new BareNotesTarget(bare, "-slow", SlowConsumer.NoteLength));
                slow.Add(await CollabNotesTarget.CreateAsync(memory, 20, "-slow", SlowConsumer.NoteLength));
                foreach (var target in slow)
                {
                    var (slowRows, pending) = await SlowConsumer.RunAsync(target, hosts, plan, Show, cancellationToken);
                    rows.AddRange(slowRows);
                    stallers.Add(pending);
                }
            }

            // Side by side: each (N, protocol, load) runs on every system back to back, so the
            // noise of a shared 2-core box falls on the compared figures alike.
            var systems = new List<FanOutSystem>();
            if (options.Runs("signalr") || options.Runs("notes"))
            {
                systems.Add(new FanOutSystem(new BareTarget(bare), options.Runs("signalr"), options.Runs("notes") ? new BareNotesTarget(bare) : null));
            }

            if (options.Runs("e2e") || options.Runs("notes"))
            {
                systems.Add(new FanOutSystem(memory, options.Runs("e2e"), options.Runs("notes") ? await CollabNotesTarget.CreateAsync(memory, Plan.Officers) : null));
            }

            if (durable is not null) systems.Add(new FanOutSystem(durable, true, null));
            if (systems.Count > 0) rows.AddRange(await Sweep.RunAsync(systems, hosts, plan, Show, cancellationToken));

            var idleKilobytes = double.NaN;
            if (options.Runs("idle"))
            {
                var (idleRow, kilobytes) = await CommandRuns.IdleMemoryAsync(memory, plan, cancellationToken);
                rows.Add(Show(idleRow));
                idleKilobytes = kilobytes;
            }

            foreach (var staller in stallers)
            {
                rows.Add(Show(await staller.VerdictAsync()));
            }

            if (options.Runs("federation"))
            {
                rows.AddRange(await FederationBenchmark.RunAsync(plan, hosts, Show, cancellationToken));
            }

            if (postgresUnavailable is not null)
            {
                rows.Add(Show(ResultRow.NotAvailable("e2e-postgres", postgresUnavailable)));
            }

            return (rows, idleKilobytes, postgresUnavailable);
        }
        finally
        {
            if (postgres is not null) await postgres.DisposeAsync();
        }
    }

    /// <summary>Starts the e2e-postgres server on the given or throwaway database; else says why it cannot run.</summary>
    private static (Task<ServerProcess>? Start, string? Unavailable) StartPostgres(LoadOptions options, ThrowawayDatabase? database)
    {
        if (!options.Runs("pg")) return (null, "not selected");
        var connectionString = database?.ConnectionString ?? options.Postgres;
        if (string.IsNullOrWhiteSpace(connectionString)) return (null, "no --pg CONNSTRING or COLLAB_LOADTEST_PG, and no PostgreSQL binaries to start one");

        // The connection string travels by environment, not argv, so it does not show in process lists.
        // An old schema makes the child fail with the reason.
        return (ServerProcess.StartSplitAsync("AdoNet", new Dictionary<string, string?> { ["COLLAB_LOADTEST_PG"] = connectionString }, TimeSpan.FromSeconds(90)), null);
    }

    private static readonly Stopwatch Elapsed = Stopwatch.StartNew();

    internal static ResultRow Show(ResultRow row)
    {
        Console.WriteLine($"  [{Elapsed.Elapsed.TotalSeconds,3:F0}s] {row.Scenario,-20} {row.Protocol,-7} N={row.N,-5} {row.LoadLabel,-18} deliv/s={Report.F(row.DeliveredPerSecond, 0),-8} p99={Report.F(row.P99, 2)}ms allN p99={Report.F(row.AllP99, 2)}ms "
            + $"srv={Report.F(row.ServerCpuMicrosPerMessage, 1)}µs cli={Report.F(row.ClientCpuMicrosPerMessage, 1)}µs"
            + $"{(double.IsNaN(row.ServerKilobytesPerMessage) ? "" : $" alloc={Report.F(row.ServerKilobytesPerMessage, 2)}KB {row.ServerGc}")}{(row.ClientBound ? " CLIENT-BOUND" : "")} {row.Note}");
        return row;
    }
}
