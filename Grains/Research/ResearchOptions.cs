using System.ComponentModel.DataAnnotations;

namespace Collab.Research;

/// <summary>
/// <c>Collab:Research</c>: what researchers may read. Silos use <see cref="HistoryDays"/> (how long
/// neighbourhoods keep their hourly history); gateways the rest.
/// </summary>
public sealed class ResearchOptions
{
    /// <summary>Cells (and response-time figures) counting fewer incidents than this are suppressed.</summary>
    [Range(2, 1_000)]
    public int MinCellCount { get; set; } = 5;

    /// <summary>
    /// Days of hourly history each neighbourhood keeps (reports and response times per UTC hour and
    /// category). It is part of the neighbourhood's snapshot, so it bounds that snapshot's size.
    /// </summary>
    [Range(1, 400)]
    public int HistoryDays { get; set; } = 92;

    /// <summary>IANA time zone in which hours of day, weekdays and the range's dates are read (e.g. <c>Europe/Zurich</c>).</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The time zone, or null when <see cref="TimeZone"/> names none known here.</summary>
    public TimeZoneInfo? Zone() => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : null;
}
