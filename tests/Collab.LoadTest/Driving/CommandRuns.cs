using System.Diagnostics;
using Collab.LoadTest.Clients;

namespace Collab.LoadTest.Driving;

/// <summary>The request-path runs (commands, reports) and the idle-memory measurement.</summary>
internal static class CommandRuns
{
    /// <summary>
    /// T3: commands per second with one subscriber, as many in flight as the Orleans baseline
    /// and, like it, spread over 1,000 grains: <c>Assign</c> commands on 1,000 active incidents,
    /// over the hub (<c>{scenario}-commands</c>) and over REST (<c>{scenario}-rest-commands</c>).
    /// T3 judges memory mode's; PostgreSQL mode's (each command an event-log row before its answer)
    /// are shown beside them.
    /// </summary>
    public static async Task<ResultRow[]> AssignAsync(CollabTarget target, Plan plan, CancellationToken cancellationToken)
    {
        await using var pool = new ClientPool(target.HubUrl, messagePack: false, target.Streams);
        await pool.GrowToAsync(1, cancellationToken);
        await using var commands = await HubCommands.CreateAsync(target, 1_000, Plan.InFlight, cancellationToken);
        var hub = $"{target.Scenario}-commands";
        var hubWarm = await Measure.WarmAsync(hub, target.Server, i => commands.SendAsync(i, cancellationToken), Plan.InFlight, plan, cancellationToken);
        var hubRow = await Measure.ClosedLoopAsync(hub, target.Server, i => commands.SendAsync(i, cancellationToken), Plan.InFlight, plan.ClosedDuration, cancellationToken);
        await Measure.SettleAsync(target.Server, cancellationToken);

        var rest = $"{target.Scenario}-rest-commands";
        var restWarm = await Measure.WarmAsync(rest, target.Server, i => commands.SendRestAsync(i, cancellationToken), Plan.InFlight, plan, cancellationToken);
        var restRow = await Measure.ClosedLoopAsync(rest, target.Server, i => commands.SendRestAsync(i, cancellationToken), Plan.InFlight, plan.ClosedDuration, cancellationToken);
        await Measure.SettleAsync(target.Server, cancellationToken);
        return
        [
            hubRow with { Load = $"hub Assign, {Plan.InFlight} in flight", Note = $"per command, not per delivery; {commands.Incidents} incidents; {Measure.Warm(hubWarm)}" },
            restRow with { Load = $"REST assign, {Plan.InFlight} in flight", Note = $"per command, not per delivery; {commands.Incidents} incidents; {Measure.Warm(restWarm)}" },
        ];
    }

    /// <summary>Reports per second over REST with one subscriber (each a new incident grain); shown, not a target.</summary>
    public static async Task<ResultRow> ReportsAsync(CollabTarget target, string scenario, Plan plan, CancellationToken cancellationToken)
    {
        await using var pool = new ClientPool(target.HubUrl, messagePack: false, target.Streams);
        await pool.GrowToAsync(1, cancellationToken);
        var run = Measure.NextRun();
        var warm = await Measure.WarmAsync(scenario, target.Server, async i => await target.SendAsync(run, i, cancellationToken) == SendOutcome.Acknowledged, Plan.InFlight, plan, cancellationToken);
        run = Measure.NextRun();
        var row = await Measure.ClosedLoopAsync(scenario, target.Server, async i => await target.SendAsync(run, i, cancellationToken) == SendOutcome.Acknowledged, Plan.InFlight, plan.ClosedDuration, cancellationToken);
        await Measure.SettleAsync(target.Server, cancellationToken);
        return row with { Load = $"REST report, {Plan.InFlight} in flight", Note = $"per report, not per delivery; each a new incident; {Measure.Warm(warm)}" };
    }

    /// <summary>T4: the gateway's managed memory per idle (connected and subscribed) connection, measured in the server child.</summary>
    public static async Task<(ResultRow Row, double Kilobytes)> IdleMemoryAsync(CollabTarget target, Plan plan, CancellationToken cancellationToken)
    {
        // Earlier pools' disconnects finish in the background; let them settle before the baseline.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var before = await target.Server.MemoryAsync();
        await using var pool = new ClientPool(target.HubUrl, messagePack: false, target.Streams);
        var connecting = Stopwatch.StartNew();
        await pool.GrowToAsync(plan.IdleConnections, cancellationToken);
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var after = await target.Server.MemoryAsync();
        var n = pool.Count;
        var managedKb = (after.Managed - before.Managed) / 1024.0 / n;
        var workingSetKb = (after.WorkingSet - before.WorkingSet) / 1024.0 / n;
        var row = new ResultRow
        {
            Scenario = "idle-connections",
            Protocol = "json",
            N = n,
            Load = "idle",
            Note = $"gateway managed {managedKb:F1} KB/conn, working set {workingSetKb:F1} KB/conn; {n} connected+subscribed in {connectSeconds:F1}s",
        };
        return (row, managedKb);
    }
}
