using System.Diagnostics;

namespace Collab.LoadTest.Driving;

/// <summary>A server under test: its neighbourhood fan-out (swept when <see cref="Sweep"/>) and, if it has one, its incident-notes target.</summary>
internal sealed record FanOutSystem(IFanOutTarget Target, bool Sweep, INotesTarget? Notes);

/// <summary>
/// The fan-out runs: for each protocol and each (N, load) of the plan, every system in turn with
/// the same N subscribers, so the noise of a shared 2-core box falls on the compared figures alike;
/// then, with the same JSON clients, the incident-notes rows at each offered rate.
/// </summary>
internal static class Sweep
{
    public static async Task<List<ResultRow>> RunAsync(IReadOnlyList<FanOutSystem> systems, ClientHosts hosts, Plan plan, Func<ResultRow, ResultRow> show, CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        foreach (var messagePack in new[] { false, true })
        {
            var fleets = systems.Select(s => new ClientFleet(hosts, s.Target.HubUrl, messagePack, s.Target.Streams)).ToList();
            try
            {
                var swept = Enumerable.Range(0, systems.Count).Where(k => systems[k].Sweep).ToList();
                var warm = new bool[systems.Count];
                foreach (var (n, load) in swept.Count == 0 ? [] : plan.Runs(messagePack))
                {
                    foreach (var k in swept)
                    {
                        await GrowAsync(systems[k].Target, fleets[k], n);
                    }

                    // The rows T1 and T6 judge run Plan.Rounds times, the systems alternating.
                    var rounds = !messagePack && load == "heavy" && n == Targets.JudgedSubscribers ? Plan.Rounds : 1;
                    for (var round = 1; round <= rounds; round++)
                    {
                        foreach (var k in swept)
                        {
                            var target = systems[k].Target;
                            if (!warm[k])
                            {
                                // JIT and first activations are not what is measured: the sweep's path warm
                                // as long as the closed-loop rows' (0.3 s, 15 updates, left the first light
                                // row's slowest update to the JIT).
                                await Measure.OpenLoopAsync(target, fleets[k], hosts, "warm-up", 50, plan.Warmup, plan.Drain, plan.Linger, cancellationToken);
                                warm[k] = true;
                            }

                            // Connecting clients and the previous run's backlog are not part of this run.
                            await Measure.SettleAsync(target.Server, cancellationToken);
                            var rate = load == "light" ? Plan.LightRate : Plan.HeavyRate(n);
                            var duration = load == "light" ? plan.LightDuration : plan.HeavyDuration;
                            var row = await Measure.OpenLoopAsync(target, fleets[k], hosts, load, rate, duration, plan.Drain, plan.Linger, cancellationToken);
                            rows.Add(show(row with { Round = round }));
                        }
                    }
                }

                if (!messagePack)
                {
                    rows.AddRange(await NotesAsync(systems, fleets, hosts, plan, show, cancellationToken));
                }
            }
            finally
            {
                foreach (var fleet in fleets)
                {
                    await fleet.DisposeAsync();
                }
            }
        }

        return rows;
    }

    /// <summary>
    /// Incident notes: <see cref="Plan.NotesSubscribers"/> clients follow <see cref="Plan.NotesIncidents"/>
    /// fresh incidents, officers post public notes at each offered rate; each system in turn per rate.
    /// </summary>
    private static async Task<List<ResultRow>> NotesAsync(IReadOnlyList<FanOutSystem> systems, IReadOnlyList<ClientFleet> fleets, ClientHosts hosts, Plan plan, Func<ResultRow, ResultRow> show, CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        var noted = Enumerable.Range(0, systems.Count).Where(k => systems[k].Notes is not null).ToList();
        var warm = new bool[systems.Count];
        foreach (var rate in noted.Count == 0 ? [] : plan.NoteRates)
        {
            // The rates T6 judges run Plan.Rounds times, the systems alternating, each round on fresh incidents.
            var rounds = rate >= Targets.JudgedNoteRate ? Plan.Rounds : 1;
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var k in noted)
                {
                    var target = systems[k].Notes!;
                    await target.NewIncidentsAsync(Plan.NotesIncidents, cancellationToken);
                    await fleets[k].FollowAsync(target.Streams);
                    await GrowAsync(target, fleets[k], Plan.NotesSubscribers);
                    if (!warm[k])
                    {
                        // The note command's path (REST, the incident grain) warm, as the echo and command rows are.
                        await Measure.OpenLoopAsync(target, fleets[k], hosts, "warm-up", 50, plan.Warmup, plan.Drain, plan.Linger, cancellationToken);
                        warm[k] = true;
                    }

                    await Measure.SettleAsync(target.Server, cancellationToken);
                    var row = await Measure.OpenLoopAsync(target, fleets[k], hosts, $"{rate:0} notes/s", rate, plan.NotesDuration(rate), plan.Drain, plan.Linger, cancellationToken);
                    rows.Add(show(row with { Round = round }));
                }
            }
        }

        return rows;
    }

    /// <summary>Connects the fleet up to n clients (replacing any whose connection closed), saying so when it takes a while.</summary>
    public static async Task GrowAsync(IFanOutTarget target, ClientFleet fleet, int n)
    {
        var connecting = Stopwatch.StartNew();
        await fleet.GrowToAsync(n);
        if (connecting.Elapsed > TimeSpan.FromSeconds(1) || fleet.Replaced > 0)
        {
            Console.WriteLine($"  ({target.Scenario}: {n} {(fleet.MessagePack ? "msgpack" : "json")} clients connected in {connecting.Elapsed.TotalSeconds:F1}s"
                + (fleet.Replaced > 0 ? $", {fleet.Replaced} of them replacing closed ones)" : ")"));
        }
    }
}
