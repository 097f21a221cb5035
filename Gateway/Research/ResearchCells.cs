using Collab.Neighbourhoods;
using Collab.Research;

namespace Collab.Gateway.Research;

/// <summary>
/// The cross-tabulation researchers read: incidents per neighbourhood × weekday × hour of day ×
/// category over the query's dates, from the neighbourhoods' hourly history (never from incident
/// grains), with response times per cell. Privacy by construction: a cell counting fewer than
/// <see cref="ResearchOptions.MinCellCount"/> reports is left out, and so is a stage timed for fewer
/// incidents than that; nothing says which cells were left out or how many incidents they held, and
/// every total (the GeoJSON's) is a sum of published cells only.
/// </summary>
public static class ResearchCells
{
    /// <summary>One published cell.</summary>
    public sealed record Cell(string Neighbourhood, DayOfWeek Weekday, int Hour, string Category, int Count,
        ResponseTimes? Acknowledge, ResponseTimes? Dispatch, ResponseTimes? Resolve);

    public static async Task<IReadOnlyList<Cell>> ReadAsync(ResearchQuery query, IGrainFactory grains, TimeZoneInfo zone, int minCellCount)
    {
        var histories = await Task.WhenAll(query.Neighbourhoods.Select(async slug =>
            (Slug: slug, Rows: await grains.GetGrain<INeighbourhoodGrain>(slug).GetHistoryAsync(query.FromUtc, query.ToUtc))));
        var sums = new Dictionary<(string Slug, DayOfWeek Day, int Hour, string Category), Sum>();
        foreach (var (slug, rows) in histories)
        {
            foreach (var row in rows)
            {
                var local = TimeZoneInfo.ConvertTime(row.Hour, zone);
                if (query.Categories?.Contains(row.Category) == false
                    || query.Hours?.Contains(local.Hour) == false
                    || query.Weekdays?.Contains(local.DayOfWeek) == false)
                {
                    continue;
                }

                var key = (slug, local.DayOfWeek, local.Hour, row.Category);
                if (!sums.TryGetValue(key, out var sum))
                {
                    sums[key] = sum = new Sum();
                }

                sum.Add(row);
            }
        }

        return sums
            .Where(s => s.Value.Reported >= minCellCount)
            .OrderBy(s => s.Key.Slug, StringComparer.Ordinal)
            .ThenBy(s => ((int)s.Key.Day + 6) % 7) // Monday first
            .ThenBy(s => s.Key.Hour)
            .ThenBy(s => s.Key.Category, StringComparer.Ordinal)
            .Select(s => new Cell(s.Key.Slug, s.Key.Day, s.Key.Hour, s.Key.Category, s.Value.Reported,
                Publishable(s.Value.Acknowledged, minCellCount), Publishable(s.Value.Dispatched, minCellCount), Publishable(s.Value.Resolved, minCellCount)))
            .ToList();
    }

    /// <summary>The median's bin: the first whose cumulative count reaches half.</summary>
    public static int MedianBin(ResponseTimes times)
    {
        var seen = 0;
        for (var i = 0; i < times.Bins.Count; i++)
        {
            seen += times.Bins[i];
            if (seen * 2 >= times.Count)
            {
                return i;
            }
        }

        return times.Bins.Count - 1;
    }

    private static ResponseTimes? Publishable(Tally tally, int minCellCount) =>
        tally.Count >= minCellCount ? new ResponseTimes(tally.Count, tally.TotalSeconds, tally.Bins) : null;

    private sealed class Sum
    {
        public int Reported;
        public readonly Tally Acknowledged = new(), Dispatched = new(), Resolved = new();

        public void Add(HourlyHistory row)
        {
            Reported += row.Reported;
            Acknowledged.Add(row.Acknowledged);
            Dispatched.Add(row.Dispatched);
            Resolved.Add(row.Resolved);
        }
    }

    private sealed class Tally
    {
        public int Count;
        public long TotalSeconds;
        public readonly int[] Bins = new int[ResponseBins.Count];

        public void Add(ResponseTimes times)
        {
            Count += times.Count;
            TotalSeconds += times.TotalSeconds;
            for (var i = 0; i < Math.Min(Bins.Length, times.Bins.Count); i++)
            {
                Bins[i] += times.Bins[i];
            }
        }
    }
}
