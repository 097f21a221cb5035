using System.Globalization;
using Collab.Categories;
using Collab.Gateway.Wire;
using Collab.Neighbourhoods;
using Collab.Research;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Research;

/// <summary>
/// A researcher's question: a range of local dates (inclusive) and optional filters on
/// neighbourhoods, categories, hours of day and weekdays (each repeatable). Filters only choose
/// among the cells; they never make a cell smaller than the full cross-tabulation's.
/// </summary>
public sealed record ResearchQuery(
    DateOnly From,
    DateOnly To,
    DateTimeOffset FromUtc,
    DateTimeOffset ToUtc,
    IReadOnlyList<string> Neighbourhoods,
    IReadOnlySet<string>? Categories,
    IReadOnlySet<int>? Hours,
    IReadOnlySet<DayOfWeek>? Weekdays)
{
    public const string RangeInvalid = "research-range-invalid";
    public const string RangeOutsideHistory = "research-range-outside-history";
    public const string FilterInvalid = "research-filter-invalid";

    /// <summary>Weekday names as written on the wire and accepted in filters.</summary>
    public static string WeekdayName(DayOfWeek day) => day.ToString().ToLowerInvariant();

    /// <summary>Reads and checks the query string; a problem (400) names the first thing wrong.</summary>
    public static (ResearchQuery? Query, ProblemHttpResult? Problem) Parse(
        IQueryCollection q, CityMap map, CityCategories categories, ResearchOptions options, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (!TryDate(q, "from", out var from) || !TryDate(q, "to", out var to))
        {
            return Fail(RangeInvalid, "'from' and 'to' are required, once each, as dates (yyyy-MM-dd, in the research time zone).");
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        if (to < from)
        {
            return Fail(RangeInvalid, "'to' is before 'from'.");
        }

        if (to > today)
        {
            return Fail(RangeInvalid, $"'to' is after today ({Format(today)}).");
        }

        var earliest = today.AddDays(-(options.HistoryDays - 1));
        if (from < earliest)
        {
            return Fail(RangeOutsideHistory, $"History is kept for {options.HistoryDays} days: 'from' may not be before {Format(earliest)}.");
        }

        var neighbourhoods = q["neighbourhood"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct().ToList();
        if (neighbourhoods.FirstOrDefault(n => map.Find(n) is null) is { } unknownPlace)
        {
            return Fail(FilterInvalid, $"'neighbourhood': '{Clip(unknownPlace)}' is not a neighbourhood of the city map.");
        }

        var categoryFilter = q["category"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToHashSet(StringComparer.Ordinal);
        if (categoryFilter.FirstOrDefault(c => !categories.IsKnown(c)) is { } unknownCategory)
        {
            return Fail(FilterInvalid, $"'category': '{Clip(unknownCategory)}' is not a category code of this city.");
        }

        var hours = new HashSet<int>();
        foreach (var value in q["hour"])
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23)
            {
                return Fail(FilterInvalid, $"'hour': '{Clip(value)}' is not an hour of day (0 to 23).");
            }

            hours.Add(hour);
        }

        var weekdays = new HashSet<DayOfWeek>();
        foreach (var value in q["weekday"])
        {
            var day = Enum.GetValues<DayOfWeek>().Cast<DayOfWeek?>().FirstOrDefault(d => WeekdayName(d!.Value) == value);
            if (day is null)
            {
                return Fail(FilterInvalid, $"'weekday': '{Clip(value)}' is not a weekday (monday to sunday).");
            }

            weekdays.Add(day.Value);
        }

        var query = new ResearchQuery(
            from, to, Start(from, zone), Start(to.AddDays(1), zone),
            neighbourhoods.Count > 0 ? neighbourhoods : map.All.Select(n => n.Slug).ToList(),
            categoryFilter.Count > 0 ? categoryFilter : null,
            hours.Count > 0 ? hours : null,
            weekdays.Count > 0 ? weekdays : null);
        return (query, null);
    }

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool TryDate(IQueryCollection q, string name, out DateOnly date)
    {
        date = default;
        return q[name] is { Count: 1 } values
            && DateOnly.TryParseExact(values[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>The UTC instant a local date starts at (the first valid local time, should midnight fall in a gap).</summary>
    private static DateTimeOffset Start(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static string Clip(string? value) => value is null ? "" : new string(value.Take(40).Where(c => !char.IsControl(c)).ToArray());

    private static (ResearchQuery?, ProblemHttpResult?) Fail(string code, string detail) => (null, Problems.Invalid(code, detail));
}
