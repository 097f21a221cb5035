using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Collab.Tests.Infrastructure;

/// <summary>Reads the <c>Collab</c> series of a gateway's <c>/metrics</c> (Prometheus text).</summary>
public static partial class MetricsScrape
{
    /// <summary>Series (name and labels) to value, read until <paramref name="done"/> holds or five seconds pass (the exporter caches a scrape for a moment).</summary>
    public static async Task<Dictionary<string, double>> UntilAsync(HttpClient http, Func<Dictionary<string, double>, bool> done)
    {
        var series = Parse(await TextAsync(http));
        for (var attempt = 0; attempt < 20 && !done(series); attempt++)
        {
            await Task.Delay(250);
            series = Parse(await TextAsync(http));
        }

        return series;
    }

    public static async Task<string> TextAsync(HttpClient http)
    {
        var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Series (name and labels, without OpenTelemetry's own scope labels) to value, summed over what was dropped.</summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in SeriesLine().Matches(text))
        {
            var labels = m.Groups["labels"].Success
                ? string.Join(',', m.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("otel_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                : "";
            var key = labels.Length == 0 ? m.Groups["name"].Value : $"{m.Groups["name"].Value}{{{labels}}}";
            series[key] = series.GetValueOrDefault(key) + double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return series;
    }

    [GeneratedRegex(@"^(?<name>collab_[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)( [0-9]+)?$", RegexOptions.Multiline)]
    private static partial Regex SeriesLine();
}
