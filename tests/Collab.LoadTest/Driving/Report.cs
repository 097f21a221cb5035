using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collab.LoadTest.Driving;

/// <summary>The table, the JSON file and the targets line.</summary>
internal static class Report
{
    public static string Table(IReadOnlyList<ResultRow> rows)
    {
        var header = new[]
        {
            "scenario", "proto", "N", "load", "offered/s", "msgs", "delivered", "deliv/s", "p50 ms", "p99 ms", "p99.9 ms", "allN p50", "allN p99",
            "srv µs/msg", "cli µs/msg", "srv %", "cli %", "box %", "client-bound", "resyncs", "missing", "lost", "errs", "note",
        };
        var lines = rows.Select(r => new[]
        {
            r.Scenario, r.Protocol, r.N == 0 ? "-" : r.N.ToString(CultureInfo.InvariantCulture), r.LoadLabel, F(r.OfferedPerSecond, 0), r.Messages.ToString(CultureInfo.InvariantCulture),
            $"{r.Delivered}/{r.Expected}", F(r.DeliveredPerSecond, 0), F(r.P50, 2), F(r.P99, 2), F(r.P999, 2), F(r.AllP50, 2), F(r.AllP99, 2),
            F(r.ServerCpuMicrosPerMessage, 1), F(r.ClientCpuMicrosPerMessage, 1), Percent(r.ServerShare), Percent(r.ClientShare), Percent(r.BoxShare),
            r.ClientBound ? "CLIENT-BOUND" : "", Count(r, r.Resyncs), Count(r, r.Missing), Count(r, r.Lost), r.Errors.ToString(CultureInfo.InvariantCulture), r.Note ?? "",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, lines.Count == 0 ? 0 : lines.Max(l => l[i].Length))).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        sb.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var l in lines)
        {
            sb.AppendLine("| " + string.Join(" | ", l.Select((c, i) => c.PadRight(widths[i]))) + " |");
        }

        return sb.ToString();
    }

    public static async Task WriteJsonAsync(string file, object document)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(document, options));
    }

    private static string Percent(double share) => F(share * 100, 0);

    /// <summary>A delivery count, for rows that deliver (fan-out runs); "-" for calls and commands.</summary>
    private static string Count(ResultRow r, long value) => double.IsNaN(r.OfferedPerSecond) ? "-" : value.ToString(CultureInfo.InvariantCulture);

    public static string F(double value, int decimals) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "-" : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
