using System.Diagnostics;

namespace Collab.LoadTest.Driving;

/// <summary>
/// The fan-out sweep: for each protocol and each (N, load) of the plan, every system in turn with
/// the same N subscribers, so the noise of a shared 2-core box falls on the compared figures alike.
/// </summary>
internal static class Sweep
{
    public static async Task<List<ResultRow>> RunAsync(IReadOnlyList<IFanOutTarget> targets, ClientHosts hosts, Plan plan, Func<ResultRow, ResultRow> show, CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        foreach (var messagePack in new[] { false, true })
        {
            var fleets = targets.Select(t => new ClientFleet(hosts, t.HubUrl, messagePack, t.Streams)).ToList();
            try
            {
                var warm = new bool[targets.Count];
                foreach (var (n, load) in plan.Runs(messagePack))
                {
                    for (var k = 0; k < targets.Count; k++)
                    {
                        await GrowAsync(targets[k], fleets[k], n);
                    }

                    for (var k = 0; k < targets.Count; k++)
                    {
                        if (!warm[k])
                        {
                            // JIT and first activations are not what is measured.
                            await Measure.OpenLoopAsync(targets[k], fleets[k], hosts, "warm-up", 50, TimeSpan.FromSeconds(0.3), plan.Drain, plan.Linger, cancellationToken);
                            warm[k] = true;
                        }

                        // Connecting clients and the previous run's backlog are not part of this run.
                        await Measure.SettleAsync(targets[k].Server, cancellationToken);
                        var rate = load == "light" ? Plan.LightRate : Plan.HeavyRate(n);
                        var duration = load == "light" ? plan.LightDuration : plan.HeavyDuration;
                        rows.Add(show(await Measure.OpenLoopAsync(targets[k], fleets[k], hosts, load, rate, duration, plan.Drain, plan.Linger, cancellationToken)));
                    }
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
