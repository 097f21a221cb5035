namespace Collab.Research;

/// <summary>
/// What a neighbourhood knows of one clock hour (UTC) and category: new reports, and how long the
/// ones reported in that hour took to reach each stage. Raw, small counts included: only the
/// gateway's research aggregation, which suppresses small cells, reads it.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.HourlyHistory")]
public sealed record HourlyHistory(
    [property: Id(0)] DateTimeOffset Hour,
    [property: Id(1)] string Category,
    [property: Id(2)] int Reported,
    [property: Id(3)] ResponseTimes Acknowledged,
    [property: Id(4)] ResponseTimes Dispatched,
    [property: Id(5)] ResponseTimes Resolved);

/// <summary>
/// Times from report to one stage: how many, their sum in seconds, and how many fell in each of the
/// <see cref="ResponseBins.UpperMinutes"/> bins (the last is open-ended).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.ResponseTimes")]
public sealed record ResponseTimes(
    [property: Id(0)] int Count,
    [property: Id(1)] long TotalSeconds,
    [property: Id(2)] IReadOnlyList<int> Bins)
{
    public static ResponseTimes None { get; } = new(0, 0, new int[ResponseBins.Count]);
}

/// <summary>The response-time bins: upper bounds in minutes, the last bin open-ended.</summary>
public static class ResponseBins
{
    /// <summary>Upper bounds (exclusive) of the bins but the last: 5 min, 15 min, 30 min, 1 h, 2 h, 6 h, 24 h.</summary>
    public static IReadOnlyList<int> UpperMinutes { get; } = [5, 15, 30, 60, 120, 360, 1440];

    public static int Count => UpperMinutes.Count + 1;

    /// <summary>The bin a duration falls in.</summary>
    public static int Of(TimeSpan duration)
    {
        for (var i = 0; i < UpperMinutes.Count; i++)
        {
            if (duration.TotalMinutes < UpperMinutes[i])
            {
                return i;
            }
        }

        return UpperMinutes.Count;
    }

    /// <summary>A bin's label: <c>0-5m</c>, <c>5m-15m</c>, …, <c>24h+</c>.</summary>
    public static string Label(int bin) =>
        bin >= UpperMinutes.Count ? $"{Minutes(UpperMinutes[^1])}+" : $"{(bin == 0 ? "0" : Minutes(UpperMinutes[bin - 1]))}-{Minutes(UpperMinutes[bin])}";

    private static string Minutes(int m) => m % 60 == 0 ? $"{m / 60}h" : $"{m}m";
}
