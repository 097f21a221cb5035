using System.Diagnostics;
using Collab.LoadTest.Clients;

namespace Collab.LoadTest.Driving;

/// <summary>The request-path runs (commands, reports) and the idle-memory measurement.</summary>
internal static class CommandRuns
{
    /// <summary>
    /// T3 in <see cref="Plan.Rounds"/> rounds, each a grain call (<c>baseline-orleans</c>), a hub and a
    /// REST round trip on the bare server (<c>baseline-hub-echo</c>, <c>baseline-rest-echo</c>) and
    /// memory mode's hub and REST commands, back to back, so each round's ratio compares figures
    /// measured within seconds of each other (T3 takes the median): the machine's speed drifts over
    /// minutes, and one echo row read 36,000/s in one run and 59,000/s in the next. The first round
    /// warms each path up; PostgreSQL mode's command rows follow, once, shown beside them. Without
    /// <c>commands</c> selected, only the grain-call row runs, once.
    /// </summary>
    public static async Task<List<ResultRow>> RoundsAsync(ServerProcess collab, ServerProcess bare, Func<Task<CollabTarget>> memory, CollabTarget? durable,
        LoadOptions options, Plan plan, Func<ResultRow, ResultRow> show, CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        var commands = options.Runs("commands");
        await using var calls = options.Runs("orleans") ? await OrleansBaseline.StartAsync(collab, cancellationToken) : null;
        await using var echoes = commands ? await EchoBaselines.StartAsync(bare, cancellationToken) : null;
        await using var assign = commands ? await AssignRuns.StartAsync(await memory(), options.CommandSubscribers, cancellationToken) : null;
        var rounds = commands && calls is not null ? Plan.Rounds : 1;
        for (var round = 1; round <= rounds; round++)
        {
            if (calls is not null) rows.Add(show(await calls.MeasureAsync(plan, round, cancellationToken)));
            if (echoes is null || assign is null) continue;
            rows.Add(show(await echoes.HubAsync(plan, round, cancellationToken)));
            rows.Add(show(await echoes.RestAsync(plan, round, cancellationToken)));
            rows.Add(show(await assign.HubAsync(plan, round, cancellationToken)));
            rows.Add(show(await assign.RestAsync(plan, round, cancellationToken)));
        }

        if (commands && durable is not null)
        {
            await using var stored = await AssignRuns.StartAsync(durable, options.CommandSubscribers, cancellationToken);
            rows.Add(show(await stored.HubAsync(plan, 1, cancellationToken)));
            rows.Add(show(await stored.RestAsync(plan, 1, cancellationToken)));
        }

        return rows;
    }

    /// <summary>
    /// T3's commands with one subscriber (<see cref="LoadOptions.CommandSubscribers"/>; rows with another
    /// count are shown under their N and not judged), as many in flight as the Orleans baseline and, like it,
    /// spread over 1,000 grains: <c>Assign</c> commands on 1,000 active incidents, over the hub
    /// (<c>{scenario}-commands</c>) and over REST (<c>{scenario}-rest-commands</c>). T3 judges memory
    /// mode's; PostgreSQL mode's (each command an event-log row before its answer) are shown beside them.
    /// </summary>
    private sealed class AssignRuns : IAsyncDisposable
    {
        private readonly CollabTarget _target;
        private readonly ClientPool _subscriber;
        private readonly HubCommands _commands;

        private AssignRuns(CollabTarget target, ClientPool subscriber, HubCommands commands)
        {
            _target = target;
            _subscriber = subscriber;
            _commands = commands;
        }

        public static async Task<AssignRuns> StartAsync(CollabTarget target, int subscribers, CancellationToken cancellationToken)
        {
            var subscriber = new ClientPool(target.HubUrl, messagePack: false, target.Streams);
            await subscriber.GrowToAsync(subscribers, cancellationToken);
            return new AssignRuns(target, subscriber, await HubCommands.CreateAsync(target, 1_000, Plan.InFlight, cancellationToken));
        }

        public Task<ResultRow> HubAsync(Plan plan, int round, CancellationToken cancellationToken) =>
            RowAsync($"{_target.Scenario}-commands", $"hub Assign, {Plan.InFlight} in flight", i => _commands.SendAsync(i, cancellationToken), plan, round, cancellationToken);

        public Task<ResultRow> RestAsync(Plan plan, int round, CancellationToken cancellationToken) =>
            RowAsync($"{_target.Scenario}-rest-commands", $"REST assign, {Plan.InFlight} in flight", i => _commands.SendRestAsync(i, cancellationToken), plan, round, cancellationToken);

        private async Task<ResultRow> RowAsync(string scenario, string load, Func<int, Task<bool>> send, Plan plan, int round, CancellationToken cancellationToken)
        {
            var warm = round == 1 ? Measure.Warm(await Measure.WarmAsync(scenario, _target.Server, send, Plan.InFlight, plan, cancellationToken)) : "warm";
            var row = await Measure.ClosedLoopAsync(scenario, _target.Server, send, Plan.InFlight, plan.ClosedDuration, cancellationToken);
            await Measure.SettleAsync(_target.Server, cancellationToken);
            return row with { N = _subscriber.Count, Load = load, Note = $"per command, not per delivery; {_commands.Incidents} incidents; {warm}", Round = round };
        }

        public async ValueTask DisposeAsync()
        {
            await _commands.DisposeAsync();
            await _subscriber.DisposeAsync();
        }
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
