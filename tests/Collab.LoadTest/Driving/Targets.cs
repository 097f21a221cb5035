using System.Globalization;

namespace Collab.LoadTest.Driving;

/// <summary>The targets from the measured rows; each is ok, miss, or skipped (T5 without PostgreSQL, any target whose rows did not run).</summary>
internal static class Targets
{
    /// <summary>T1 and T6 compare the saturating runs at this N (JSON), e2e against bare, <see cref="Plan.Rounds"/> times.</summary>
    public const int JudgedSubscribers = 1_000;

    /// <summary>T6 judges the notes rows from this offered rate up (the light 10/s row is shown, not judged: T6 is about the cost under load).</summary>
    public const double JudgedNoteRate = 160;

    public sealed record Verdict(string Name, double Value, string Text, string Status);

    public static IReadOnlyList<Verdict> Evaluate(IReadOnlyList<ResultRow> rows, double idleKilobytes, string? postgresUnavailable)
    {
        var verdicts = new List<Verdict>();

        // The median of the rounds' ratios (each round: bare and e2e back to back).
        var t1 = Median(Rounds(rows, "e2e-memory", "baseline-signalr", "heavy").Select(p => Ratio(p.E2e.DeliveredPerSecond, p.Bare.DeliveredPerSecond)));
        verdicts.Add(AtLeast("T1", t1, 0.7));

        var t2 = new[] { 100, 1_000 }
            .Select(n => Ratio(Row(rows, "e2e-memory", "json", n, "light")?.AllP99, Row(rows, "baseline-signalr", "json", n, "light")?.AllP99))
            .DefaultIfEmpty(double.NaN)
            .Max();
        verdicts.Add(AtMost("T2", t2, 1.5, ""));

        // The median of the rounds' ratios (each round: a grain call, a round trip and the commands, back to back).
        verdicts.Add(AtLeast("T3hub", Median(CommandRounds(rows, Hub).Select(r => r.Ratio)), 0.5));
        verdicts.Add(AtLeast("T3rest", Median(CommandRounds(rows, Rest).Select(r => r.Ratio)), 0.5));

        verdicts.Add(AtMost("T4", idleKilobytes, 50, "KB"));

        if (postgresUnavailable is not null)
        {
            verdicts.Add(new Verdict("T5", double.NaN, "T5=n/a", "skipped"));
        }
        else
        {
            // Each PostgreSQL row against the memory row of the same round; the median over rounds, the least over (N, protocol).
            var t5 = rows.Where(r => r.Scenario == "e2e-postgres" && r.Load == "heavy" && r.N >= 100)
                .Select(r => (r.Protocol, r.N, Ratio: Ratio(r.DeliveredPerSecond, Row(rows, "e2e-memory", r.Protocol, r.N, "heavy", r.Round)?.DeliveredPerSecond)))
                .GroupBy(x => (x.Protocol, x.N))
                .Select(g => Median(g.Select(x => x.Ratio)))
                .DefaultIfEmpty(double.NaN)
                .Min();
            verdicts.Add(AtLeast("T5", t5, 0.5));
        }

        var t6 = CpuPairs(rows).Select(p => p.Median).DefaultIfEmpty(double.NaN).Max();
        verdicts.Add(AtMost("T6", t6, 1.5, ""));

        // T7: acknowledged deliveries that never came to a subscriber that stayed connected and got
        // no Resync, even after the further wait, over every e2e row that delivers.
        var e2e = rows.Where(r => r.Scenario.StartsWith("e2e-", StringComparison.Ordinal) && !double.IsNaN(r.OfferedPerSecond)).ToList();
        var t7 = e2e.Count == 0 ? double.NaN : e2e.Sum(r => r.Lost);
        verdicts.Add(new Verdict("T7", t7, $"T7={Report.F(t7, 0)} lost<=0", double.IsNaN(t7) ? "skipped" : t7 == 0 ? "ok" : "miss"));

        // F2 (only when the federation rows ran): the link keeps up with the steady rate, delivering
        // everything; its lag p99 is printed next to the local e2e p99 of the same run.
        if (rows.FirstOrDefault(r => r.Scenario == "federation-link" && r.Delivered > 0) is { } link)
        {
            var local = rows.FirstOrDefault(r => r.Scenario == "federation-local" && r.Delivered > 0);
            var share = Ratio(link.DeliveredPerSecond, link.OfferedPerSecond);
            var whole = link.Delivered == link.Expected;
            verdicts.Add(new Verdict("F2", share,
                $"F2=link {Report.F(link.DeliveredPerSecond, 0)}/s of {Report.F(link.OfferedPerSecond, 0)}/s>=0.95x, {link.Delivered}/{link.Expected} delivered, lag p99 {Report.F(link.P99, 0)} ms (local e2e p99 {Report.F(local?.P99 ?? double.NaN, 0)} ms)",
                share >= 0.95 && whole ? "ok" : "miss"));
        }

        return verdicts;
    }

    /// <summary>
    /// T6's pairs: server CPU per delivery, e2e over bare, at N = 1,000 with JSON: the neighbourhood
    /// at the saturating rate, and incident notes at every offered rate from <see cref="JudgedNoteRate"/>
    /// up; each pair's ratio per round, and their median.
    /// </summary>
    public static IEnumerable<(string What, IReadOnlyList<(double E2e, double Bare, double Ratio)> Rounds, double Median)> CpuPairs(IReadOnlyList<ResultRow> rows)
    {
        var loads = new List<(string What, string E2e, string Bare, string Load)> { ("neighbourhood, saturating", "e2e-memory", "baseline-signalr", "heavy") };
        loads.AddRange(rows.Where(r => r.Scenario == "e2e-memory-notes" && r.OfferedPerSecond >= JudgedNoteRate && r.Round == 1)
            .Select(r => ($"incident notes, {r.Load}", "e2e-memory-notes", "baseline-signalr-notes", r.Load)));
        foreach (var (what, e2eScenario, bareScenario, load) in loads)
        {
            var rounds = Rounds(rows, e2eScenario, bareScenario, load)
                .Select(p => (p.E2e.ServerCpuMicrosPerMessage, p.Bare.ServerCpuMicrosPerMessage, Ratio(p.E2e.ServerCpuMicrosPerMessage, p.Bare.ServerCpuMicrosPerMessage)))
                .ToList();
            if (rounds.Count > 0)
            {
                yield return (what, rounds, Median(rounds.Select(r => r.Item3)));
            }
        }
    }

    /// <summary>The e2e and bare rows of each round of a judged load (N = <see cref="JudgedSubscribers"/>, JSON), in round order.</summary>
    private static IEnumerable<(ResultRow E2e, ResultRow Bare)> Rounds(IReadOnlyList<ResultRow> rows, string e2eScenario, string bareScenario, string load)
    {
        for (var round = 1; round <= Plan.Rounds; round++)
        {
            if (Row(rows, e2eScenario, "json", JudgedSubscribers, load, round) is { } e2e && Row(rows, bareScenario, "json", JudgedSubscribers, load, round) is { } bare)
            {
                yield return (e2e, bare);
            }
        }
    }

    /// <summary>The row of one (scenario, protocol, N, load) and round that delivered something; null when it did not run.</summary>
    private static ResultRow? Row(IReadOnlyList<ResultRow> rows, string scenario, string protocol, int n, string load, int round = 1) =>
        rows.FirstOrDefault(r => r.Scenario == scenario && r.Protocol == protocol && r.N == n && r.Load == load && r.Round == round && r.Delivered > 0);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The lines that explain T3 and T6 from the same run; empty when their rows did not run.</summary>
    public static IEnumerable<string> Details(IReadOnlyList<ResultRow> rows)
    {
        foreach (var path in new[] { Hub, Rest })
        {
            var rounds = CommandRounds(rows, path).ToList();
            if (rounds.Count > 0)
            {
                yield return $"T3 {path.Name} ceiling: a {path.Name} round trip and a grain call in sequence, doing nothing else; {path.Command} per round "
                    + $"({path.Name} round trip/s, grain calls/s -> ceiling/s: commands/s = ratio), median judged: "
                    + string.Join("; ", rounds.Select(r => $"({r.Echo:F0}, {r.Calls:F0} -> {r.Ceiling:F0}: {r.Commands:F0} = {r.Ratio:F2})"))
                    + $" -> {Median(rounds.Select(r => r.Ratio)):F2}";
            }
        }

        var t1 = Rounds(rows, "e2e-memory", "baseline-signalr", "heavy").ToList();
        if (t1.Count > 0)
        {
            yield return "T1 deliveries/s, e2e / bare (N=1000, JSON, saturating), per round, median judged: "
                + string.Join(", ", t1.Select(p => $"{p.E2e.DeliveredPerSecond:F0} / {p.Bare.DeliveredPerSecond:F0} = {Ratio(p.E2e.DeliveredPerSecond, p.Bare.DeliveredPerSecond):F2}"))
                + $" -> {Median(t1.Select(p => Ratio(p.E2e.DeliveredPerSecond, p.Bare.DeliveredPerSecond))):F2}";
        }

        var pairs = CpuPairs(rows).ToList();
        if (pairs.Count > 0)
        {
            yield return "T6 server µs per delivery, e2e / bare (N=1000, JSON), per round, median judged: "
                + string.Join("; ", pairs.Select(p => $"{p.What}: {string.Join(", ", p.Rounds.Select(r => $"{r.E2e:F1} / {r.Bare:F1} = {r.Ratio:F2}"))} -> {p.Median:F2}"));
        }
    }

    public static string Line(IEnumerable<Verdict> verdicts) => "targets: " + string.Join("; ", verdicts.Select(v => $"{v.Text} {v.Status}"));

    /// <summary>The rate of a closed-loop row; T3's rows are all at N = 1 (one subscriber while commands run).</summary>
    private static double Rate(IReadOnlyList<ResultRow> rows, string scenario, int round = 1) =>
        rows.FirstOrDefault(r => r.Scenario == scenario && r.N == 1 && r.Round == round && r.Delivered > 0)?.DeliveredPerSecond ?? double.NaN;

    /// <summary>A command path T3 judges: its round trip's row on the bare server and its commands' row.</summary>
    private sealed record CommandPath(string Name, string Echo, string Command, string Commands);

    private static readonly CommandPath Hub = new("hub", "baseline-hub-echo", "hub Assign", "e2e-memory-commands");
    private static readonly CommandPath Rest = new("REST", "baseline-rest-echo", "REST assign", "e2e-memory-rest-commands");

    /// <summary>
    /// Each round's commands against what any command could reach in that round: the path's round
    /// trip and a grain call one after the other (<see cref="InSequence"/>).
    /// </summary>
    private static IEnumerable<(double Echo, double Calls, double Ceiling, double Commands, double Ratio)> CommandRounds(IReadOnlyList<ResultRow> rows, CommandPath path)
    {
        for (var round = 1; round <= Plan.Rounds; round++)
        {
            var (echo, calls, commands) = (Rate(rows, path.Echo, round), Rate(rows, "baseline-orleans", round), Rate(rows, path.Commands, round));
            var ceiling = InSequence(echo, calls);
            if (!double.IsNaN(ceiling) && !double.IsNaN(commands))
            {
                yield return (echo, calls, ceiling, commands, Ratio(commands, ceiling));
            }
        }
    }

    private static double InSequence(double a, double b) => a > 0 && b > 0 ? 1 / (1 / a + 1 / b) : double.NaN;

    private static double Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : double.NaN;

    private static Verdict AtLeast(string name, double value, double limit) =>
        new(name, value, $"{name}={Report.F(value, 2)}>={limit.ToString(CultureInfo.InvariantCulture)}", !double.IsNaN(value) && value >= limit ? "ok" : "miss");

    private static Verdict AtMost(string name, double value, double limit, string unit) =>
        new(name, value, $"{name}={Report.F(value, unit.Length > 0 ? 1 : 2)}{unit}<={limit.ToString(CultureInfo.InvariantCulture)}{unit}", !double.IsNaN(value) && value <= limit ? "ok" : "miss");
}
