using System.Security.Cryptography;
using System.Text;
using Collab.Categories;
using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Exercises;

/// <summary>
/// One training exercise: plays its scenario's steps when their scenario time comes (wall time ×
/// speed, held while paused), through the incidents' ordinary commands as the exercise's own
/// actor, each report marked with the exercise's id. A step's incident id and idempotency key
/// come from the exercise and the step, so a step played again (after a crash before the state
/// was written) changes nothing. A timer plays due steps while running; a reminder restarts the
/// timer on another silo when this one is lost.
/// </summary>
internal sealed partial class ExerciseGrain(
    [PersistentState("exercise", StorageNames.Collab)] IPersistentState<ExerciseState> state,
    CityCategories categories,
    CityMap map,
    IOptions<RealtimeOptions> realtime,
    TimeProvider clock,
    ILogger<ExerciseGrain> logger) : Grain, IExerciseGrain, IRemindable
{
    private const string ReminderName = "exercise-clock";
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private const int MaxProblems = 200;
    /// <summary>The debrief's entry for an alert step (on the stream it is an <see cref="EventTypes.ExerciseStepPlayed"/>).</summary>
    private const string ExerciseAlert = "exercise.alert";

    private IGrainTimer? _timer;

    private ExerciseState S => state.State;
    private string ExerciseId => this.GetPrimaryKeyString();
    private static CommandError NoSuchExercise => CommandError.NotFound("exercise-not-found", "No such exercise.");

    /// <summary>The actor the scenario's own steps act as: police, named after the exercise, under a subject no token may carry.</summary>
    private Actor Control => new(ActorRole.Police, ExerciseActors.SubjectOf(ExerciseId), "Exercise control", Languages.Default);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Status == ExerciseStatus.Running && S.Started) StartTimer();
        // An exercise stored before the city kept a list, or whose last word to it was lost, is listed again.
        if (S.Started && S.Status != ExerciseStatus.Purged) await TellRegistryOnActivationAsync();
    }

    public async Task<Outcome<ExerciseView>> StartAsync(Actor trainer, Scenario scenario, double speed)
    {
        if (S.Started)
        {
            // A retried start whose first attempt was stored puts the exercise on the city's list all the same.
            await TellRegistryAsync();
            return CommandError.Conflict("exercise-exists", "This exercise was started already.");
        }

        if (ExerciseRules.Check(scenario, speed, categories, map) is { } refused) return refused;

        var now = clock.GetUtcNow();
        S.Scenario = scenario;
        S.Speed = speed;
        S.StartedAt = now;
        S.Trainer = trainer;
        S.Status = ExerciseStatus.Running;
        S.StartClock(now);
        Note(now, EventTypes.ExerciseStarted, trainer, $"{scenario.Name}: {scenario.Steps.Count} steps at {speed}×");
        Emit(EventTypes.ExerciseStarted, trainer, now, text: scenario.Name);
        await SaveAsync();
        await TellRegistryAsync();
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        LogStarted(logger, ExerciseId, scenario.Steps.Count, speed);
        StartTimer();
        return View();
    }

    public async Task<Outcome<ExerciseView>> PauseAsync(Actor trainer, bool supervisor = false)
    {
        if (!S.Started) return Unknown();
        if (NotYours(trainer, supervisor) is { } refused) return refused;
        if (S.Status == ExerciseStatus.Paused) return await ToldAsync();
        if (S.Status != ExerciseStatus.Running) return Ended();

        var now = clock.GetUtcNow();
        S.StopClock(now);
        S.Status = ExerciseStatus.Paused;
        Record(now, EventTypes.ExercisePaused, trainer, null);
        await SaveAsync();
        StopTimer();
        return await ToldAsync();
    }

    public async Task<Outcome<ExerciseView>> ResumeAsync(Actor trainer, bool supervisor = false)
    {
        if (!S.Started) return Unknown();
        if (NotYours(trainer, supervisor) is { } refused) return refused;
        if (S.Status == ExerciseStatus.Running) return await ToldAsync();
        if (S.Status != ExerciseStatus.Paused) return Ended();

        var now = clock.GetUtcNow();
        S.StartClock(now);
        S.Status = ExerciseStatus.Running;
        Record(now, EventTypes.ExerciseResumed, trainer, null);
        await SaveAsync();
        StartTimer();
        return await ToldAsync();
    }

    public async Task<Outcome<ExerciseView>> StopAsync(Actor trainer, bool supervisor = false)
    {
        if (!S.Started) return Unknown();
        if (NotYours(trainer, supervisor) is { } refused) return refused;
        if (S.Status is ExerciseStatus.Stopped or ExerciseStatus.Completed or ExerciseStatus.Purged) return await ToldAsync();

        await EndAsync(ExerciseStatus.Stopped, EventTypes.ExerciseStopped, trainer);
        return View();
    }

    public Task<Outcome<ExerciseView>> GetAsync() => Task.FromResult(S.Started ? View() : Unknown());

    public async Task<Outcome<ExerciseDebrief>> DebriefAsync()
    {
        if (!S.Started) return Unknown<ExerciseDebrief>();
        var (timeline, incidents) = await ExerciseDebriefs.ReadAsync(GrainFactory, S);
        return Outcome<ExerciseDebrief>.Ok(new ExerciseDebrief(Snapshot(), timeline, incidents));
    }

    public async Task<Outcome<ExerciseView>> PurgeAsync(Actor trainer, bool supervisor = false)
    {
        if (!S.Started) return Unknown();
        if (NotYours(trainer, supervisor) is { } refused) return refused;
        if (S.Status is ExerciseStatus.Running or ExerciseStatus.Paused)
        {
            return CommandError.Conflict("exercise-not-ended", "Stop the exercise before purging it.");
        }

        foreach (var id in S.Incidents.Values)
        {
            await GrainFactory.GetGrain<IIncidentGrain>(id).PurgeExerciseAsync(ExerciseId);
        }

        foreach (var id in S.Alerts)
        {
            await GrainFactory.GetGrain<Alerts.IAlertGrain>(id).PurgeExerciseAsync(ExerciseId);
        }

        if (S.Status != ExerciseStatus.Purged)
        {
            S.Status = ExerciseStatus.Purged;
            Record(clock.GetUtcNow(), EventTypes.ExercisePurged, trainer, $"{S.Incidents.Count} incidents removed");
            await SaveAsync();
        }

        return await ToldAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Status == ExerciseStatus.Running && S.Started)
        {
            StartTimer();
        }
        else if (await this.GetReminder(ReminderName) is { } reminder)
        {
            if (S.Started) await TellRegistryAsync();
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Plays every step whose scenario time has come; ends the exercise after the last.</summary>
    private async Task PlayDueAsync(CancellationToken cancellationToken)
    {
        if (S.Status != ExerciseStatus.Running || S.Scenario is not { } scenario) return;
        var elapsed = S.Elapsed(clock.GetUtcNow());
        var played = false;
        while (S.NextStep < scenario.Steps.Count && scenario.Steps[S.NextStep].At <= elapsed)
        {
            await PlayAsync(S.NextStep, scenario.Steps[S.NextStep]);
            S.NextStep++;
            played = true;
        }

        if (S.NextStep >= scenario.Steps.Count)
        {
            await EndAsync(ExerciseStatus.Completed, EventTypes.ExerciseCompleted, Control);
        }
        else
        {
            if (played) await SaveAsync(cancellationToken);
            await TellProgressAsync(played);
        }
    }

    private async Task PlayAsync(int index, ScenarioStep step)
    {
        var key = $"exercise-{ExerciseId}-{index}";
        var now = clock.GetUtcNow();
        Outcome<IncidentView>? outcome = null;
        switch (step.Kind)
        {
            case ScenarioStepKind.Inject:
                S.Injects.Add(new ExerciseInject(step.At, now, step.Text!));
                Note(now, EventTypes.ExerciseInject, Control, step.Text);
                Emit(EventTypes.ExerciseInject, Control, now, StepData(index, step), step.Text);
                return;
            case ScenarioStepKind.Alert:
                await AlertAsync(index, step, key, now);
                return;
            case ScenarioStepKind.Report:
                var id = IncidentIdOf(step.Ref!);
                S.Incidents[step.Ref!] = id;
                outcome = await GrainFactory.GetGrain<IIncidentGrain>(id).ReportAsync(new ReportIncident(
                    key, Control, step.Category!, step.Text!, step.Location!, step.Severity, Languages.Default, Exercise: ExerciseId));
                break;
            case ScenarioStepKind.Note:
                outcome = await Incident(step).AddNoteAsync(new AddNote(key, Control, step.Text!, step.Visibility, Languages.Default));
                break;
            case ScenarioStepKind.Status:
                outcome = await Incident(step).ChangeStatusAsync(new ChangeStatus(key, Control, step.Status, step.Text));
                break;
            case ScenarioStepKind.Assign:
                outcome = await Incident(step).AssignAsync(new AssignUnit(key, Control, step.Unit!));
                break;
        }

        if (outcome is { Error: { } error })
        {
            // A trainee may have moved the incident on already: the step is skipped and said so.
            Refused(index, step, error, now);
        }
        else
        {
            Emit(EventTypes.ExerciseStepPlayed, Control, now, StepData(index, step) with { IncidentId = S.Incidents.GetValueOrDefault(step.Ref!) });
        }
    }

    private static ExerciseStepData StepData(int index, ScenarioStep step) => new(index, step.Kind, step.At, step.Ref);

    private void Refused(int index, ScenarioStep step, CommandError error, DateTimeOffset now)
    {
        var problem = $"steps[{index}] ({step.Kind.ToString().ToLowerInvariant()} {step.Ref ?? step.Neighbourhood}): {error.Message}";
        Emit(EventTypes.ExerciseStepRefused, Control, now, StepData(index, step) with { IncidentId = step.Ref is { } r ? S.Incidents.GetValueOrDefault(r) : null }, problem);
        if (S.Problems.Count >= MaxProblems) return;
        S.Problems.Add(problem);
        Note(now, EventTypes.ExerciseStepRefused, Control, problem);
    }

    /// <summary>An alert marked with the exercise (CAP status Exercise), never on the city stream; its id comes from the exercise and the step.</summary>
    private async Task AlertAsync(int index, ScenarioStep step, string key, DateTimeOffset now)
    {
        var id = DerivedId($"alert\n{index}");
        var severity = step.Severity switch
        {
            Severity.Low => "Minor",
            Severity.High => "Severe",
            Severity.Critical => "Extreme",
            _ => "Moderate",
        };
        var outcome = await GrainFactory.GetGrain<Alerts.IAlertGrain>(id).IssueAsync(new Alerts.IssueAlert(
            key, Control, step.Neighbourhood!, Languages.Default, new Alerts.AlertText(step.Headline!, step.Text!),
            severity, "Expected", "Likely", null, new Dictionary<string, Alerts.AlertText>(), ExerciseId));
        if (outcome.Error is { } error)
        {
            Refused(index, step, error, now);
            return;
        }

        if (!S.Alerts.Contains(id)) S.Alerts.Add(id);
        Note(now, ExerciseAlert, Control, $"{step.Neighbourhood}: {step.Headline}");
        Emit(EventTypes.ExerciseStepPlayed, Control, now, StepData(index, step) with { AlertId = id }, step.Headline);
    }

    private IIncidentGrain Incident(ScenarioStep step) => GrainFactory.GetGrain<IIncidentGrain>(S.Incidents[step.Ref!]);

    /// <summary>A step's incident id: the same for the same exercise and reference, a GUID like every other.</summary>
    private string IncidentIdOf(string reference) => DerivedId(reference);

    private string DerivedId(string what)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"exercise\n{ExerciseId}\n{what}"));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }

    private async Task EndAsync(ExerciseStatus status, string type, Actor actor)
    {
        var now = clock.GetUtcNow();
        S.StopClock(now);
        S.Status = status;
        Record(now, type, actor, $"{S.NextStep} of {S.Scenario!.Steps.Count} steps played");
        await SaveAsync();
        StopTimer();
        // The reminder goes only once the city's list knows: until then it tells the list again.
        await TellRegistryAsync();
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        LogEnded(logger, ExerciseId, status, S.NextStep);
    }

    private void Note(DateTimeOffset at, string type, Actor actor, string? detail) =>
        S.Log.Add(new DebriefEntry(at, type, null, null, actor.Role, actor.Name ?? actor.UserId, detail));

    /// <summary>A trainer's act (or the exercise's end): in the debrief, attributed, and on the stream.</summary>
    private void Record(DateTimeOffset at, string type, Actor actor, string? detail)
    {
        Note(at, type, actor, detail);
        Emit(type, actor, at);
    }

    /// <summary>Only the trainer who started the exercise controls it, or a supervisor.</summary>
    private CommandError? NotYours(Actor trainer, bool supervisor) =>
        supervisor || S.Trainer is not { } owner || owner.UserId == trainer.UserId
            ? null
            : CommandError.Forbidden("exercise-not-yours", "Only the trainer who started this exercise, or a supervisor, may control it.");

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(PlayDueAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Tick) { KeepAlive = true });

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private Outcome<ExerciseView> View() => Outcome<ExerciseView>.Ok(Snapshot());

    private ExerciseView Snapshot() => new(
        ExerciseId, S.Scenario?.Name ?? "", S.Status, S.Speed, S.NextStep, S.Scenario?.Steps.Count ?? 0,
        Math.Round(S.Elapsed(clock.GetUtcNow()), 3), S.StartedAt,
        new Dictionary<string, string>(S.Incidents, StringComparer.Ordinal), S.Injects.ToList(), S.Problems.ToList(), S.Alerts.ToList(),
        StartedBy);

    private Outcome<ExerciseView> Unknown() => Unknown<ExerciseView>();

    private Outcome<T> Unknown<T>()
    {
        DeactivateOnIdle();
        return NoSuchExercise;
    }

    private static Outcome<ExerciseView> Ended() => CommandError.Conflict("exercise-ended", "The exercise has ended.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Exercise {ExerciseId} started: {Steps} steps at {Speed}x")]
    private static partial void LogStarted(ILogger logger, string exerciseId, int steps, double speed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exercise {ExerciseId} {Status} after {Played} steps")]
    private static partial void LogEnded(ILogger logger, string exerciseId, ExerciseStatus status, int played);
}
