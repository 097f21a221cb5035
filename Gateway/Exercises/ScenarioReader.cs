using System.Text.Json;
using Collab.Common;
using Collab.Exercises;
using Collab.Gateway.Wire;
using Collab.Incidents;

namespace Collab.Gateway.Exercises;

/// <summary>
/// Reads a scenario document (the schema is in <c>docs/exercises.md</c>): its shape only, naming
/// the step and field of the first thing wrong; the exercise grain then checks what the shape
/// cannot say (references, categories, places, time order).
/// </summary>
public static class ScenarioReader
{
    private static readonly Dictionary<string, ScenarioStepKind> Kinds = System.Enum.GetValues<ScenarioStepKind>()
        .ToDictionary(k => k.ToString().ToLowerInvariant(), StringComparer.Ordinal);

    private static readonly HashSet<string> StepFields = ["at", "kind", "ref", "text", "category", "location", "severity", "visibility", "status", "unit", "neighbourhood", "headline"];

    /// <summary>The scenario, or the problem with the document.</summary>
    public static (Scenario? Scenario, string? Problem) Read(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object) return Fail("'scenario' must be an object { name, steps }.");
        foreach (var property in document.EnumerateObject())
        {
            if (property.Name is not ("name" or "description" or "steps")) return Fail($"unknown field '{property.Name}' (expected name, description, steps).");
        }

        if (!document.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String) return Fail("'name' is required, a string.");
        if (!document.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array) return Fail("'steps' is required, an array.");
        if (steps.GetArrayLength() > ExerciseRules.MaxSteps) return Fail($"'steps' holds at most {ExerciseRules.MaxSteps} steps.");

        var read = new List<ScenarioStep>();
        var i = 0;
        foreach (var step in steps.EnumerateArray())
        {
            var (parsed, problem) = ReadStep(step, $"steps[{i}]");
            if (problem is not null) return Fail(problem);
            read.Add(parsed!);
            i++;
        }

        return (new Scenario(name.GetString()!, read), null);
    }

    private static (ScenarioStep?, string?) ReadStep(JsonElement step, string at)
    {
        if (step.ValueKind != JsonValueKind.Object) return (null, $"{at} must be an object.");
        foreach (var property in step.EnumerateObject())
        {
            if (!StepFields.Contains(property.Name)) return (null, $"{at}: unknown field '{property.Name}'.");
        }

        if (!step.TryGetProperty("at", out var time) || time.ValueKind != JsonValueKind.Number || !time.TryGetDouble(out var seconds))
        {
            return (null, $"{at}: 'at' (seconds after the start) is required, a number.");
        }

        if (!step.TryGetProperty("kind", out var kindText) || kindText.ValueKind != JsonValueKind.String || !Kinds.TryGetValue(kindText.GetString()!, out var kind))
        {
            return (null, $"{at}: 'kind' must be one of {string.Join(", ", Kinds.Keys)}.");
        }

        string? problem = null;
        var reference = String(step, "ref", at, ref problem);
        var text = String(step, "text", at, ref problem);
        var category = String(step, "category", at, ref problem);
        var unit = String(step, "unit", at, ref problem);
        var neighbourhood = String(step, "neighbourhood", at, ref problem);
        var headline = String(step, "headline", at, ref problem);
        var severity = Enum<Severity>(step, "severity", Severity.Medium, at, ref problem);
        var visibility = Enum<NoteVisibility>(step, "visibility", NoteVisibility.Police, at, ref problem);
        var status = Enum<IncidentStatus>(step, "status", IncidentStatus.Reported, at, ref problem);
        var location = Location(step, at, ref problem);
        if (problem is not null) return (null, problem);
        if (kind == ScenarioStepKind.Status && !step.TryGetProperty("status", out _)) return (null, $"{at}: 'status' is required for a status step.");

        return (new ScenarioStep(seconds, kind, reference, text, category, location, severity, visibility, status, unit, neighbourhood, headline), null);
    }

    private static string? String(JsonElement step, string field, string at, ref string? problem)
    {
        if (!step.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        problem ??= $"{at}: '{field}' must be a string.";
        return null;
    }

    private static T Enum<T>(JsonElement step, string field, T otherwise, string at, ref string? problem) where T : struct, Enum
    {
        var text = String(step, field, at, ref problem);
        if (text is null) return otherwise;
        if (WireFormat.TryParse<T>(text, out var value)) return value;
        problem ??= $"{at}: '{field}' \"{text}\" is not one of {string.Join(", ", System.Enum.GetValues<T>().Select(v => WireFormat.Name(v)))}.";
        return otherwise;
    }

    private static GeoPoint? Location(JsonElement step, string at, ref string? problem)
    {
        if (!step.TryGetProperty("location", out var location) || location.ValueKind == JsonValueKind.Null) return null;
        if (location.ValueKind == JsonValueKind.Object
            && location.TryGetProperty("lat", out var lat) && lat.ValueKind == JsonValueKind.Number && lat.TryGetDouble(out var la) && la is >= -90 and <= 90
            && location.TryGetProperty("lon", out var lon) && lon.ValueKind == JsonValueKind.Number && lon.TryGetDouble(out var lo) && lo is >= -180 and <= 180)
        {
            return new GeoPoint(la, lo);
        }

        problem ??= $"{at}: 'location' must be {{ \"lat\": -90..90, \"lon\": -180..180 }}.";
        return null;
    }

    private static (Scenario?, string?) Fail(string problem) => (null, problem);
}
