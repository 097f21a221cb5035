using Collab.Common;
using Collab.Incidents;

namespace Collab.Exercises;

/// <summary>A training scenario: a name and its timed steps, in the order of <see cref="ScenarioStep.At"/>.</summary>
[GenerateSerializer, Immutable, Alias("collab.Scenario")]
public sealed record Scenario(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<ScenarioStep> Steps);

/// <summary>What a step does.</summary>
public enum ScenarioStepKind
{
    /// <summary>A new incident at a place, named by the step's <see cref="ScenarioStep.Ref"/> for later steps.</summary>
    Report = 0,
    /// <summary>A note on an incident the scenario reported.</summary>
    Note = 1,
    /// <summary>A status change of an incident the scenario reported.</summary>
    Status = 2,
    /// <summary>A unit assigned to an incident the scenario reported.</summary>
    Assign = 3,
    /// <summary>A message for the trainees (a radio call, a new fact), shown with the exercise.</summary>
    Inject = 4,
    /// <summary>A neighbourhood alert (CAP status Exercise), for the trainees only.</summary>
    Alert = 5,
}

/// <summary>
/// One timed step. <see cref="At"/> is seconds of scenario time after the start (divided by the
/// exercise's speed on the wall clock). Which fields count depends on <see cref="Kind"/>:
/// report: ref, category, text (the description), location, severity; note: ref, text,
/// visibility; status: ref, status, text (the reason); assign: ref, unit; inject: text;
/// alert: neighbourhood, headline, text (the description), severity.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.ScenarioStep")]
public sealed record ScenarioStep(
    [property: Id(0)] double At,
    [property: Id(1)] ScenarioStepKind Kind,
    [property: Id(2)] string? Ref,
    [property: Id(3)] string? Text,
    [property: Id(4)] string? Category = null,
    [property: Id(5)] GeoPoint? Location = null,
    [property: Id(6)] Severity Severity = Severity.Medium,
    [property: Id(7)] NoteVisibility Visibility = NoteVisibility.Police,
    [property: Id(8)] IncidentStatus Status = IncidentStatus.Reported,
    [property: Id(9)] string? Unit = null,
    [property: Id(10)] string? Neighbourhood = null,
    [property: Id(11)] string? Headline = null);
