using Collab.Common;
using Microsoft.Extensions.Logging;

namespace Collab.Exercises;

/// <summary>
/// What the city's list of exercises (<see cref="IExerciseRegistryGrain"/>) knows of this one: told
/// on every lifecycle act, repeats included (so a call that failed after the state was stored is
/// mended by its retry), before the act answers; and, while steps play, its progress at most every
/// <see cref="ProgressInterval"/> (the list's steps played lag by that much at most).
/// </summary>
internal sealed partial class ExerciseGrain
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    private DateTimeOffset _progressToldAt;
    private bool _progressPending;

    private IExerciseRegistryGrain Registry => GrainFactory.GetGrain<IExerciseRegistryGrain>(IExerciseRegistryGrain.Key);

    private async Task TellRegistryAsync()
    {
        var now = clock.GetUtcNow();
        await Registry.RecordAsync(Summary());
        _progressToldAt = now;
        _progressPending = false;
    }

    /// <summary>On activation: a failure is logged and left to the exercise's next act, never failing the activation.</summary>
    private async Task TellRegistryOnActivationAsync()
    {
        try
        {
            await TellRegistryAsync();
        }
        catch (Exception ex)
        {
            LogRegistryFailed(logger, ex, ExerciseId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exercise {ExerciseId} could not tell the city's list where it stands; its next act will")]
    private static partial void LogRegistryFailed(ILogger logger, Exception exception, string exerciseId);

    /// <summary>On each tick: steps played since the list was last told are told once <see cref="ProgressInterval"/> has passed.</summary>
    private Task TellProgressAsync(bool played)
    {
        _progressPending |= played;
        return _progressPending && clock.GetUtcNow() - _progressToldAt >= ProgressInterval ? TellRegistryAsync() : Task.CompletedTask;
    }

    /// <summary>Tells the list, then answers the exercise's view.</summary>
    private async Task<Outcome<ExerciseView>> ToldAsync()
    {
        await TellRegistryAsync();
        return View();
    }

    /// <summary>The exercise in the list; its version is its stream's head, which every change moves on.</summary>
    private ExerciseSummary Summary() => new(
        ExerciseId, S.Scenario?.Name ?? "", S.Status, StartedBy, S.StartedAt, S.NextStep, S.Scenario?.Steps.Count ?? 0, S.Speed,
        S.Timeline.HeadCouncil);

    /// <summary>The trainer who controls the exercise: their name, else their user id.</summary>
    private string? StartedBy => S.Trainer is { } trainer ? trainer.Name ?? trainer.UserId : null;
}
