using Collab.Common;

namespace Collab.Incidents;

/// <summary>Input limits and the status transition rules: who may move an incident where.</summary>
internal static class IncidentRules
{
    public const int MaxDescription = 4_000;
    public const int MaxNote = 2_000;
    public const int MaxUnit = 64;
    public const int MaxReason = 500;

    private static readonly Dictionary<IncidentStatus, IncidentStatus[]> Transitions = new()
    {
        [IncidentStatus.Reported] = [IncidentStatus.Acknowledged, IncidentStatus.Rejected, IncidentStatus.Duplicate],
        [IncidentStatus.Acknowledged] = [IncidentStatus.Dispatched, IncidentStatus.Resolved, IncidentStatus.Rejected, IncidentStatus.Duplicate],
        [IncidentStatus.Dispatched] = [IncidentStatus.Resolved],
        [IncidentStatus.Resolved] = [IncidentStatus.Closed, IncidentStatus.Acknowledged],
        [IncidentStatus.Closed] = [],
        [IncidentStatus.Rejected] = [],
        [IncidentStatus.Duplicate] = [],
    };

    /// <summary>
    /// Police may make every transition. Council may act on the categories that concern public
    /// space, except dispatching, which is police work. Citizens and operators make none.
    /// </summary>
    public static CommandError? CheckTransition(Actor actor, string category, IncidentStatus from, IncidentStatus to)
    {
        if (!Transitions[from].Contains(to))
        {
            return CommandError.Conflict("invalid-transition", $"An incident that is '{Format(from)}' cannot become '{Format(to)}'.");
        }

        return actor.Role switch
        {
            ActorRole.Police => null,
            ActorRole.Council when to == IncidentStatus.Dispatched =>
                CommandError.Forbidden("police-only", "Only police dispatch units."),
            ActorRole.Council when !Categories.Get(category).CouncilConcern =>
                CommandError.Forbidden("not-council-category", $"Incidents of category '{category}' are handled by police."),
            ActorRole.Council => null,
            _ => CommandError.Forbidden("role", "Only police and council change an incident's status."),
        };
    }

    public static string Format(IncidentStatus status) => status.ToString().ToLowerInvariant();

    public static CommandError? CheckText(string? text, int max, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return CommandError.Invalid($"{field}-required", $"'{field}' is required.");
        }

        return CheckOptionalText(text, max, field);
    }

    /// <summary>Free text that may be absent (a reason): when present, within <paramref name="max"/> and <see cref="TextRules"/>.</summary>
    public static CommandError? CheckOptionalText(string? text, int max, string field)
    {
        if (text is null) return null;
        return text.Length > max
            ? CommandError.Invalid($"{field}-too-long", $"'{field}' is longer than {max} characters.")
            : TextRules.Check(text, field);
    }

    public static CommandError? CheckLocation(GeoPoint? location)
    {
        if (location is null)
        {
            return CommandError.Invalid("location-required", "'location' is required.");
        }

        if (!double.IsFinite(location.Lat) || location.Lat is < -90 or > 90)
        {
            return CommandError.Invalid("latitude-out-of-range", "'location.lat' must be between -90 and 90.");
        }

        if (!double.IsFinite(location.Lon) || location.Lon is < -180 or > 180)
        {
            return CommandError.Invalid("longitude-out-of-range", "'location.lon' must be between -180 and 180.");
        }

        return location.AccuracyM is { } accuracy && (!double.IsFinite(accuracy) || accuracy < 0 || accuracy > 100_000)
            ? CommandError.Invalid("accuracy-out-of-range", "'location.accuracyM' must be between 0 and 100000.")
            : null;
    }
}
