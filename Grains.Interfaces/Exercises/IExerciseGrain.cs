using Collab.Common;
using Collab.Realtime;

namespace Collab.Exercises;

/// <summary>
/// One training exercise. Key: the exercise id (a GUID in "N" format). The grain plays its
/// scenario's steps at the chosen speed through the incidents' ordinary commands, marking every
/// incident it reports with its id; trainees act on those incidents as on any other. Starting an
/// exercise that exists already is a conflict; pause, resume and stop are idempotent (doing one
/// again answers the current view). Each call's change is stored before it answers.
/// The exercise is controlled (paused, resumed, stopped, purged) by the trainer who started it,
/// or by a supervisor (<c>supervisor</c> true); anyone else is refused (<c>exercise-not-yours</c>).
/// It owns the stream <c>exercise:{id}</c> (police and council): its lifecycle, each step played
/// or refused, and each inject, as they happen (snapshot only, the latest
/// <see cref="ExerciseStreamCapacity"/> events kept).
/// </summary>
[Alias("collab.IExerciseGrain")]
public interface IExerciseGrain : IStreamGrain
{
    /// <summary>Events the exercise's stream keeps: every step of the largest scenario and its lifecycle.</summary>
    public const int ExerciseStreamCapacity = 1_200;

    /// <summary>Starts playing <paramref name="scenario"/> at <paramref name="speed"/> × scenario time.</summary>
    [Alias("Start")]
    Task<Outcome<ExerciseView>> StartAsync(Actor trainer, Scenario scenario, double speed);

    /// <summary>Holds the scenario clock; no step plays until resumed.</summary>
    [Alias("Pause")]
    Task<Outcome<ExerciseView>> PauseAsync(Actor trainer, bool supervisor = false);

    /// <summary>Runs the scenario clock again from where it was paused.</summary>
    [Alias("Resume")]
    Task<Outcome<ExerciseView>> ResumeAsync(Actor trainer, bool supervisor = false);

    /// <summary>Ends the exercise; the steps not yet played never will be. Its incidents stay until purged.</summary>
    [Alias("Stop")]
    Task<Outcome<ExerciseView>> StopAsync(Actor trainer, bool supervisor = false);

    /// <summary>The exercise as it stands: its clock, the steps played, its incidents and injects.</summary>
    [Alias("Get"), ReadOnly]
    Task<Outcome<ExerciseView>> GetAsync();

    /// <summary>
    /// The complete timeline (the steps played, the trainer's acts, and everything done on the
    /// exercise's incidents, by whom) and each incident's response times.
    /// </summary>
    [Alias("Debrief")]
    Task<Outcome<ExerciseDebrief>> DebriefAsync();

    /// <summary>
    /// Removes everything the exercise created (its incidents' states and timelines) once it is
    /// stopped or complete; the debrief is read before. Idempotent.
    /// </summary>
    [Alias("Purge")]
    Task<Outcome<ExerciseView>> PurgeAsync(Actor trainer, bool supervisor = false);
}

/// <summary>Where an exercise stands.</summary>
public enum ExerciseStatus
{
    Running = 0,
    Paused = 1,
    Stopped = 2,
    Completed = 3,
    Purged = 4,
}

/// <summary>An exercise as trainers and trainees see it; <see cref="ExerciseView.Alerts"/> are the ids of the alerts it issued, <see cref="ExerciseView.StartedBy"/> the trainer who controls it (their name, else their user id).</summary>
[GenerateSerializer, Immutable, Alias("collab.ExerciseView")]
public sealed record ExerciseView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ExerciseStatus Status,
    [property: Id(3)] double Speed,
    [property: Id(4)] int StepsPlayed,
    [property: Id(5)] int StepsTotal,
    [property: Id(6)] double ScenarioSeconds,
    [property: Id(7)] DateTimeOffset StartedAt,
    [property: Id(8)] IReadOnlyDictionary<string, string> Incidents,
    [property: Id(9)] IReadOnlyList<ExerciseInject> Injects,
    [property: Id(10)] IReadOnlyList<string> Problems,
    [property: Id(11)] IReadOnlyList<string>? Alerts = null,
    [property: Id(12)] string? StartedBy = null);

/// <summary>A message for the trainees, at its scenario time and when it was played.</summary>
[GenerateSerializer, Immutable, Alias("collab.ExerciseInject")]
public sealed record ExerciseInject(
    [property: Id(0)] double At,
    [property: Id(1)] DateTimeOffset PlayedAt,
    [property: Id(2)] string Text);

/// <summary>The debrief: every entry in time order, and the response times of each incident.</summary>
[GenerateSerializer, Immutable, Alias("collab.ExerciseDebrief")]
public sealed record ExerciseDebrief(
    [property: Id(0)] ExerciseView Exercise,
    [property: Id(1)] IReadOnlyList<DebriefEntry> Timeline,
    [property: Id(2)] IReadOnlyList<DebriefIncident> Incidents);

/// <summary>
/// One thing that happened: an event of an exercise incident (<see cref="Type"/> its event type),
/// or the exercise's own (<c>exercise.started</c>, <c>exercise.inject</c>, …).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.DebriefEntry")]
public sealed record DebriefEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Type,
    [property: Id(2)] string? IncidentRef,
    [property: Id(3)] string? IncidentId,
    [property: Id(4)] ActorRole ActorRole,
    [property: Id(5)] string? ActorName,
    [property: Id(6)] string? Detail);

/// <summary>An incident's response: when it was reported, first acknowledged, dispatched and resolved, and by whom.</summary>
[GenerateSerializer, Immutable, Alias("collab.DebriefIncident")]
public sealed record DebriefIncident(
    [property: Id(0)] string Ref,
    [property: Id(1)] string IncidentId,
    [property: Id(2)] DateTimeOffset ReportedAt,
    [property: Id(3)] DateTimeOffset? AcknowledgedAt,
    [property: Id(4)] string? AcknowledgedBy,
    [property: Id(5)] DateTimeOffset? DispatchedAt,
    [property: Id(6)] string? DispatchedBy,
    [property: Id(7)] DateTimeOffset? ResolvedAt,
    [property: Id(8)] string? ResolvedBy);
