using Collab.Realtime;

namespace Collab.Exercises;

/// <summary>
/// Data of every event on <c>exercise:{id}</c>: where the exercise stands after it (its status,
/// steps played of its total, scenario seconds), the step it is about (for <c>exercise.inject</c>,
/// <c>exercise.step_played</c> and <c>exercise.step_refused</c>) and a text: the inject's message,
/// why a step was refused, or the scenario's name when it starts.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.ExerciseEventData")]
public sealed record ExerciseEventData(
    [property: Id(0)] ExerciseStatus Status,
    [property: Id(1)] int StepsPlayed,
    [property: Id(2)] int StepsTotal,
    [property: Id(3)] double ScenarioSeconds,
    [property: Id(4)] ExerciseStepData? Step = null,
    [property: Id(5)] string? Text = null) : EventData;

/// <summary>
/// One step of the scenario as trainees see it played: its index (from 0), kind and scenario time,
/// the incident reference it acts on and that incident's id, or the id of the alert it issued.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.ExerciseStepData")]
public sealed record ExerciseStepData(
    [property: Id(0)] int Index,
    [property: Id(1)] ScenarioStepKind Kind,
    [property: Id(2)] double At,
    [property: Id(3)] string? Ref = null,
    [property: Id(4)] string? IncidentId = null,
    [property: Id(5)] string? AlertId = null);
