using Microsoft.Extensions.Options;

namespace Collab.Research;

/// <summary>
/// <c>Collab:Research</c>: what researchers may read. Silos use <see cref="HistoryDays"/> (how long
/// neighbourhoods keep their hourly history); gateways the rest.
/// </summary>
public sealed class ResearchOptions
{
    /// <summary>Cells (and response-time figures) counting fewer incidents than this are suppressed.</summary>
    public int MinCellCount { get; set; } = 5;

    /// <summary>
    /// Days of hourly history each neighbourhood keeps (reports and response times per UTC hour and
    /// category). It is part of the neighbourhood's snapshot, so it bounds that snapshot's size.
    /// </summary>
    public int HistoryDays { get; set; } = 92;

    /// <summary>IANA time zone in which hours of day, weekdays and the range's dates are read (e.g. <c>Europe/Zurich</c>).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The time zone, or null when <see cref="TimeZone"/> names none known here.</summary>
    public TimeZoneInfo? Zone() => !string.IsNullOrWhiteSpace(TimeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : null;
}

/// <summary>Refuses research settings that would publish small cells or name no history or zone, naming the setting.</summary>
public sealed class ResearchOptionsValidator : IValidateOptions<ResearchOptions>
{
    public ValidateOptionsResult Validate(string? name, ResearchOptions options)
    {
        var errors = new List<string>();
        if (options.MinCellCount is < 2 or > 1_000)
        {
            errors.Add($"Collab:Research:MinCellCount must be 2 to 1000 (a threshold of 1 would publish single incidents); it is {options.MinCellCount}.");
        }

        if (options.HistoryDays is < 1 or > 400)
        {
            errors.Add($"Collab:Research:HistoryDays must be 1 to 400; it is {options.HistoryDays}.");
        }

        if (options.Zone() is null)
        {
            errors.Add($"Collab:Research:TimeZone '{options.TimeZone}' names no time zone known here (an IANA id such as Europe/Zurich).");
        }

        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
