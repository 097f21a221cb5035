namespace Collab.Exercises;

/// <summary>
/// The city's exercises for trainees to pick from: a summary per exercise, replaced by each newer
/// one its exercise reports, stored before the call answers. Bounded by
/// <see cref="IExerciseRegistryGrain.Capacity"/>: past it, the oldest ended exercise leaves
/// (the oldest of all when none has ended).
/// </summary>
internal sealed class ExerciseRegistryGrain(
    [PersistentState("exercises", StorageNames.Collab)] IPersistentState<ExerciseRegistryState> state) : Grain, IExerciseRegistryGrain
{
    private Dictionary<string, ExerciseSummary> Kept => state.State.Exercises;

    public async Task RecordAsync(ExerciseSummary exercise)
    {
        ArgumentNullException.ThrowIfNull(exercise);
        var known = Kept.TryGetValue(exercise.Id, out var kept);
        if (known && (kept!.Version > exercise.Version || kept == exercise)) return;

        if (exercise.Status == ExerciseStatus.Purged)
        {
            if (!known) return;
            Kept.Remove(exercise.Id);
        }
        else
        {
            Kept[exercise.Id] = exercise;
            while (Kept.Count > IExerciseRegistryGrain.Capacity)
            {
                Kept.Remove(Oldest().Id);
            }
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<ExerciseSummary>> ListAsync(IReadOnlyList<ExerciseStatus> statuses, int limit)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, IExerciseRegistryGrain.Capacity);
        IReadOnlyList<ExerciseSummary> listed = Kept.Values
            .Where(e => statuses.Count == 0 || statuses.Contains(e.Status))
            .OrderByDescending(e => e.StartedAt).ThenBy(e => e.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        return Task.FromResult(listed);
    }

    private ExerciseSummary Oldest() =>
        Kept.Values.Where(Ended).MinBy(e => e.StartedAt) ?? Kept.Values.MinBy(e => e.StartedAt)!;

    private static bool Ended(ExerciseSummary e) => e.Status is ExerciseStatus.Stopped or ExerciseStatus.Completed;
}

/// <summary>The persisted list: each exercise's latest summary by its id (at most <see cref="IExerciseRegistryGrain.Capacity"/>).</summary>
[GenerateSerializer, Alias("collab.state.ExerciseRegistry")]
internal sealed class ExerciseRegistryState
{
    [Id(0)] public Dictionary<string, ExerciseSummary> Exercises { get; set; } = new(StringComparer.Ordinal);
}
