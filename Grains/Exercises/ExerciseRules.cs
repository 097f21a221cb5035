using System.Text.RegularExpressions;
using Collab.Categories;
using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;

namespace Collab.Exercises;

/// <summary>
/// What makes a scenario playable, checked whole before the first step plays: each problem names
/// the step (<c>steps[i]</c>, counted from 0) and the field, so a trainer can fix the file.
/// </summary>
public static partial class ExerciseRules
{
    public const int MaxSteps = 1_000;
    public const int MaxName = 100;
    public const double MinSpeed = 0.1, MaxSpeed = 100;
    /// <summary>A scenario lasts at most a day of scenario time.</summary>
    public const double MaxAt = 86_400;
    /// <summary>As alerts allow.</summary>
    public const int MaxHeadline = 200;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex RefPattern();

    public static CommandError? Check(Scenario scenario, double speed, CityCategories categories, CityMap map)
    {
        if (string.IsNullOrWhiteSpace(scenario.Name) || scenario.Name.Length > MaxName || !TextRules.IsValid(scenario.Name))
        {
            return Invalid($"'name' is required: at most {MaxName} characters, without control characters.");
        }

        if (!double.IsFinite(speed) || speed < MinSpeed || speed > MaxSpeed)
        {
            return Invalid($"'speed' must be between {MinSpeed} and {MaxSpeed} (scenario seconds per second).");
        }

        if (scenario.Steps is not { Count: > 0 and <= MaxSteps })
        {
            return Invalid($"'steps' must hold 1 to {MaxSteps} steps.");
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        var previousAt = 0.0;
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i];
            var at = $"steps[{i}] ({step.Kind.ToString().ToLowerInvariant()})";
            if (!double.IsFinite(step.At) || step.At < 0 || step.At > MaxAt)
            {
                return Invalid($"{at}: 'at' must be 0 to {MaxAt} seconds after the start.");
            }

            if (step.At < previousAt)
            {
                return Invalid($"{at}: 'at' ({step.At}) is earlier than the step before it ({previousAt}); steps are listed in time order.");
            }

            previousAt = step.At;
            if (CheckStep(step, at, reported, categories, map) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static CommandError? CheckStep(ScenarioStep step, string at, HashSet<string> reported, CityCategories categories, CityMap map)
    {
        if (step.Kind == ScenarioStepKind.Inject)
        {
            return Text(step.Text, IncidentRules.MaxNote, at, "text");
        }

        if (step.Kind == ScenarioStepKind.Alert)
        {
            return map.Find(step.Neighbourhood ?? "") is null
                ? Invalid($"{at}: 'neighbourhood' \"{step.Neighbourhood}\" is not one of the city's neighbourhoods.")
                : Text(step.Headline, MaxHeadline, at, "headline") ?? Text(step.Text, IncidentRules.MaxDescription, at, "text");
        }

        if (step.Ref is null || !RefPattern().IsMatch(step.Ref))
        {
            return Invalid($"{at}: 'ref' is required: 1 to 40 letters, digits, '-' or '_'.");
        }

        if (step.Kind == ScenarioStepKind.Report)
        {
            if (!reported.Add(step.Ref)) return Invalid($"{at}: 'ref' \"{step.Ref}\" is reported by an earlier step already.");
            if (!categories.IsKnown(step.Category)) return Invalid($"{at}: 'category' \"{step.Category}\" is not one of the city's categories.");
            if (step.Location is null) return Invalid($"{at}: 'location' {{ lat, lon }} is required.");
            if (map.Locate(step.Location) is null) return Invalid($"{at}: 'location' ({step.Location.Lat}, {step.Location.Lon}) is not inside the city.");
            return Text(step.Text, IncidentRules.MaxDescription, at, "text");
        }

        if (!reported.Contains(step.Ref))
        {
            return Invalid($"{at}: 'ref' \"{step.Ref}\" names no incident reported by an earlier step.");
        }

        return step.Kind switch
        {
            ScenarioStepKind.Note => Text(step.Text, IncidentRules.MaxNote, at, "text"),
            ScenarioStepKind.Assign => Text(step.Unit, IncidentRules.MaxUnit, at, "unit"),
            ScenarioStepKind.Status when step.Status == IncidentStatus.Reported => Invalid($"{at}: 'status' must be a status an incident moves to (acknowledged, dispatched, resolved, …)."),
            ScenarioStepKind.Status when step.Text is { Length: > IncidentRules.MaxReason } => Invalid($"{at}: 'text' (the reason) is at most {IncidentRules.MaxReason} characters."),
            ScenarioStepKind.Status => null,
            _ => Invalid($"{at}: unknown kind."),
        };
    }

    private static CommandError? Text(string? text, int max, string at, string field) =>
        string.IsNullOrWhiteSpace(text) || text.Length > max || !TextRules.IsValid(text)
            ? Invalid($"{at}: '{field}' is required: at most {max} characters, without control characters.")
            : null;

    private static CommandError Invalid(string message) => CommandError.Invalid("scenario-invalid", message);
}
