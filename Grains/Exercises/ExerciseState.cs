using Collab.Common;
using Collab.Realtime;

namespace Collab.Exercises;

/// <summary>
/// The persisted state of an exercise. Bounded: a scenario has at most
/// <see cref="ExerciseRules.MaxSteps"/> steps, and each list grows by at most one entry a step or a trainer's act.
/// </summary>
[GenerateSerializer, Alias("collab.state.Exercise")]
internal sealed class ExerciseState
{
    [Id(0)] public Scenario? Scenario { get; set; }
    [Id(1)] public ExerciseStatus Status { get; set; }
    [Id(2)] public double Speed { get; set; } = 1;
    /// <summary>The index of the next step to play.</summary>
    [Id(3)] public int NextStep { get; set; }
    /// <summary>Scenario seconds that passed before the clock last started running.</summary>
    [Id(4)] public double ElapsedBefore { get; set; }
    /// <summary>When the clock last started running (start or resume).</summary>
    [Id(5)] public DateTimeOffset RunningSince { get; set; }
    [Id(6)] public DateTimeOffset StartedAt { get; set; }
    /// <summary>The scenario's incident references → the incidents' ids.</summary>
    [Id(7)] public Dictionary<string, string> Incidents { get; set; } = new(StringComparer.Ordinal);
    [Id(8)] public List<ExerciseInject> Injects { get; set; } = [];
    /// <summary>The exercise's own entries of the debrief: the trainer's acts, injects and problems.</summary>
    [Id(9)] public List<DebriefEntry> Log { get; set; } = [];
    /// <summary>Steps the incidents refused (the scenario's mistakes or the trainees' moves first), for the trainer.</summary>
    [Id(10)] public List<string> Problems { get; set; } = [];
    [Id(11)] public Actor? Trainer { get; set; }
    /// <summary>When the clock stopped: paused, stopped or completed (the scenario time then stays fixed).</summary>
    [Id(12)] public bool ClockRunning { get; set; }
    /// <summary>The ids of the alerts the exercise issued.</summary>
    [Id(13)] public List<string> Alerts { get; set; } = [];
    /// <summary>The exercise's stream (<c>exercise:{id}</c>), bounded by <see cref="IExerciseGrain.ExerciseStreamCapacity"/>.</summary>
    [Id(14)] public Timeline<ExerciseEventData> Timeline { get; set; } = new();

    public bool Started => Scenario is not null;

    /// <summary>Scenario seconds at <paramref name="now"/>.</summary>
    public double Elapsed(DateTimeOffset now) =>
        ClockRunning ? ElapsedBefore + Math.Max(0, (now - RunningSince).TotalSeconds) * Speed : ElapsedBefore;

    public void StopClock(DateTimeOffset now)
    {
        ElapsedBefore = Elapsed(now);
        ClockRunning = false;
    }

    public void StartClock(DateTimeOffset now)
    {
        RunningSince = now;
        ClockRunning = true;
    }
}
