namespace Collab.Gateway.Wire;

/// <summary>
/// <c>GET /api/research/cells</c>: the published cells of the query's dates (local, inclusive) in
/// <paramref name="TimeZone"/>; cells under <paramref name="MinCellCount"/> reports are absent.
/// </summary>
public sealed record ResearchCellsResponse(
    string From,
    string To,
    string TimeZone,
    int MinCellCount,
    int HistoryDays,
    IReadOnlyList<ResearchCellDto> Cells);

/// <summary>
/// One cell: reports of a category in a neighbourhood on a weekday in an hour of day, over the
/// range; response times from report to each stage, null when fewer than the threshold were timed.
/// </summary>
public sealed record ResearchCellDto(
    string Neighbourhood,
    string Weekday,
    int Hour,
    string Category,
    int Count,
    ResponseTimesDto? Acknowledge,
    ResponseTimesDto? Dispatch,
    ResponseTimesDto? Resolve);

/// <summary>How many were timed, their mean in minutes, the bin holding the median, and the distribution over the bins.</summary>
public sealed record ResponseTimesDto(int Count, double MeanMinutes, string MedianBin, IReadOnlyList<ResponseBinDto> Distribution);

/// <summary>A bin (<c>0-5m</c>, <c>5m-15m</c>, …, <c>24h+</c>) and how many fell in it.</summary>
public sealed record ResponseBinDto(string Bin, int Count);
