using System.Globalization;

namespace Collab.LoadTest.Driving;

/// <summary>T1–T5 from the measured rows; each is ok, miss, or (T5 only) skipped.</summary>
internal static class Targets
{
    public sealed record Verdict(string Name, double Value, string Text, string Status);

    public static IReadOnlyList<Verdict> Evaluate(IReadOnlyList<ResultRow> rows, double idleKilobytes, string? postgresUnavailable)
    {
        ResultRow? Find(string scenario, string protocol, int n, string load) =>
            rows.FirstOrDefault(r => r.Scenario == scenario && r.Protocol == protocol && r.N == n && r.Load == load && r.Delivered > 0);

        var verdicts = new List<Verdict>();

        var t1 = Ratio(Find("e2e-memory", "json", 1_000, "heavy")?.DeliveredPerSecond, Find("baseline-signalr", "json", 1_000, "heavy")?.DeliveredPerSecond);
        verdicts.Add(AtLeast("T1", t1, 0.7));

        var t2 = new[] { 100, 1_000 }
            .Select(n => Ratio(Find("e2e-memory", "json", n, "light")?.AllP99, Find("baseline-signalr", "json", n, "light")?.AllP99))
            .DefaultIfEmpty(double.NaN)
            .Max();
        verdicts.Add(AtMost("T2", t2, 2, ""));

        var t3 = Ratio(rows.FirstOrDefault(r => r.Scenario == "e2e-memory-commands")?.DeliveredPerSecond, rows.FirstOrDefault(r => r.Scenario == "baseline-orleans")?.DeliveredPerSecond);
        verdicts.Add(AtLeast("T3", t3, 0.5));

        verdicts.Add(AtMost("T4", idleKilobytes, 50, "KB"));

        if (postgresUnavailable is not null)
        {
            verdicts.Add(new Verdict("T5", double.NaN, "T5=n/a", "skipped"));
        }
        else
        {
            var t5 = rows.Where(r => r.Scenario == "e2e-postgres" && r.Load == "heavy" && r.N >= 100)
                .Select(r => Ratio(r.DeliveredPerSecond, Find("e2e-memory", r.Protocol, r.N, "heavy")?.DeliveredPerSecond))
                .DefaultIfEmpty(double.NaN)
                .Min();
            verdicts.Add(AtLeast("T5", t5, 0.5));
        }

        return verdicts;
    }

    /// <summary>
    /// What T3 could be at most for any hub command on this box, from the same run: a command is at
    /// least a hub round trip and a grain call one after the other, on the same cores, so its rate
    /// is at most 1 / (1/echo + 1/calls) before it stores or pushes anything. Null when either
    /// baseline did not run.
    /// </summary>
    public static string? T3Ceiling(IReadOnlyList<ResultRow> rows)
    {
        var calls = rows.FirstOrDefault(r => r.Scenario == "baseline-orleans")?.DeliveredPerSecond;
        var echo = rows.FirstOrDefault(r => r.Scenario == "baseline-hub-echo")?.DeliveredPerSecond;
        if (calls is not > 0 || echo is not > 0) return null;
        var ceiling = 1 / (1 / echo.Value + 1 / calls.Value);
        return $"T3 ceiling: a hub round trip ({echo.Value:F0}/s) and a grain call ({calls.Value:F0}/s) in sequence, doing nothing else, " +
            $"run at most {ceiling:F0}/s = {ceiling / calls.Value:F2} x baseline-orleans.";
    }

    public static string Line(IEnumerable<Verdict> verdicts) => "targets: " + string.Join("; ", verdicts.Select(v => $"{v.Text} {v.Status}"));

    private static double Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : double.NaN;

    private static Verdict AtLeast(string name, double value, double limit) =>
        new(name, value, $"{name}={Report.F(value, 2)}>={limit.ToString(CultureInfo.InvariantCulture)}", !double.IsNaN(value) && value >= limit ? "ok" : "miss");

    private static Verdict AtMost(string name, double value, double limit, string unit) =>
        new(name, value, $"{name}={Report.F(value, unit.Length > 0 ? 1 : 2)}{unit}<={limit.ToString(CultureInfo.InvariantCulture)}{unit}", !double.IsNaN(value) && value <= limit ? "ok" : "miss");
}
