using System.Globalization;
using Collab.Categories;
using Collab.Gateway.Wire;

namespace Collab.Gateway.Open311;

/// <summary>
/// The filters of <c>GET requests</c>, checked: <c>service_request_id</c> (comma-separated ids, at
/// most <see cref="MaxRequestIds"/>; the other filters are then ignored, as the standard says),
/// <c>service_code</c> (comma-separated codes of this city), <c>status</c> (<c>open</c>,
/// <c>closed</c>, or both), <c>start_date</c> and <c>end_date</c> (W3C date-times, at most
/// <see cref="MaxDays"/> days apart; by default the last 90 days). A parameter given twice, a
/// malformed value or an unknown code is refused, never read as no filter.
/// </summary>
public sealed record Open311Query(
    IReadOnlyList<string>? RequestIds,
    IReadOnlySet<string>? ServiceCodes,
    bool Open,
    bool Closed,
    DateTimeOffset Start,
    DateTimeOffset End)
{
    /// <summary>The most ids one <c>GET requests</c> may name in <c>service_request_id</c>.</summary>
    public const int MaxRequestIds = 50;

    /// <summary>The longest span between <c>start_date</c> and <c>end_date</c>.</summary>
    public const int MaxDays = 90;

    /// <summary>The most requests one answer lists, newest first.</summary>
    public const int MaxResults = 1_000;

    private static readonly string[] Single = ["service_request_id", "service_code", "status", "start_date", "end_date", "jurisdiction_id"];

    /// <summary>The query, or why it is refused.</summary>
    public static (Open311Query? Query, string? Error) Parse(IQueryCollection query, CityCategories categories, DateTimeOffset now)
    {
        if (Single.FirstOrDefault(name => query[name].Count > 1) is { } repeated)
        {
            return (null, $"'{repeated}' is given more than once; give one value, or a comma-separated list.");
        }

        if (Value(query, "service_request_id") is { } ids)
        {
            var given = ids.Split(',', StringSplitOptions.TrimEntries);
            if (given.Length > MaxRequestIds) return (null, $"At most {MaxRequestIds} service_request_id values a request.");
            if (given.FirstOrDefault(id => !WireFormat.TryParseId(id, out _)) is { } bad) return (null, $"'{Shown(bad)}' is not a service_request_id.");
            return (new Open311Query(given.Select(id => { WireFormat.TryParseId(id, out var key); return key!; }).Distinct().ToList(), null, true, true, now, now), null);
        }

        HashSet<string>? codes = null;
        if (Value(query, "service_code") is { } codeList)
        {
            codes = [.. codeList.Split(',', StringSplitOptions.TrimEntries)];
            if (codes.FirstOrDefault(c => !categories.IsKnown(c)) is { } unknown)
            {
                return (null, $"Unknown service_code '{Shown(unknown)}'. Known: {string.Join(", ", categories.All.Select(c => c.Code))}.");
            }
        }

        var (open, closed) = (true, true);
        if (Value(query, "status") is { } statusList)
        {
            var statuses = statusList.Split(',', StringSplitOptions.TrimEntries);
            if (statuses.FirstOrDefault(s => s is not ("open" or "closed")) is { } bad) return (null, $"status '{Shown(bad)}' must be open, closed, or both comma-separated.");
            (open, closed) = (statuses.Contains("open"), statuses.Contains("closed"));
        }

        if (!TryDate(query, "start_date", out var start, out var startError)) return (null, startError);
        if (!TryDate(query, "end_date", out var end, out var endError)) return (null, endError);
        var span = TimeSpan.FromDays(MaxDays);
        (start, end) = (start, end) switch
        {
            (null, null) => (now - span, now),
            ({ } s, null) => (s, s + span),
            (null, { } e) => (e - span, e),
            var both => both,
        };
        if (end < start) return (null, "end_date must not be before start_date.");
        if (end - start > span) return (null, $"start_date and end_date may be at most {MaxDays} days apart.");
        return (new Open311Query(null, codes, open, closed, start!.Value, end!.Value), null);
    }

    /// <summary>A parameter's value; absent or empty reads as not given.</summary>
    private static string? Value(IQueryCollection query, string name) => query[name].FirstOrDefault() is { Length: > 0 } value ? value : null;

    private static bool TryDate(IQueryCollection query, string name, out DateTimeOffset? date, out string? error)
    {
        date = null;
        error = null;
        if (Value(query, name) is not { } text) return true;
        if (text.Length <= 40 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) && char.IsAsciiDigit(text[0]))
        {
            date = parsed;
            return true;
        }

        error = $"{name} '{Shown(text)}' must be a W3C date and time, e.g. 2026-11-01T00:00:00Z.";
        return false;
    }

    private static string Shown(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
