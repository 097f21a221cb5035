namespace Collab.Exercises;

/// <summary>
/// The city's list of exercises, so trainees can pick one to follow. Key: <see cref="Key"/>, one
/// per city. Each <see cref="IExerciseGrain"/> tells it where it stands when it starts, pauses,
/// resumes, stops, completes or is purged (awaited before the command answers), and now and then
/// how far it has played. A purged exercise leaves the list. Bounded: the <see cref="Capacity"/>
/// most recently started exercises are kept (ended ones leave first).
/// </summary>
[Alias("collab.IExerciseRegistryGrain")]
public interface IExerciseRegistryGrain : IGrainWithStringKey
{
    public const string Key = "city";

    /// <summary>Exercises the list keeps.</summary>
    public const int Capacity = 200;

    /// <summary>
    /// Records where an exercise stands (the summary replaces the one kept for its id); a
    /// <see cref="ExerciseStatus.Purged"/> exercise is removed. Idempotent: the same summary again
    /// changes nothing, and a summary older than the one kept (<see cref="ExerciseSummary.Version"/>) is ignored.
    /// </summary>
    [Alias("Record")]
    Task RecordAsync(ExerciseSummary exercise);

    /// <summary>
    /// The exercises kept, newest started first: those in <paramref name="statuses"/> (all when
    /// empty), at most <paramref name="limit"/> (1 to <see cref="Capacity"/>).
    /// </summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<ExerciseSummary>> ListAsync(IReadOnlyList<ExerciseStatus> statuses, int limit);
}

/// <summary>
/// An exercise in the city's list: its name, where it stands, who started it and when, its progress
/// and speed. <see cref="Version"/> grows with every change the exercise reports (the order of its summaries).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.ExerciseSummary")]
public sealed record ExerciseSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ExerciseStatus Status,
    [property: Id(3)] string? StartedBy,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] int StepsPlayed,
    [property: Id(6)] int StepsTotal,
    [property: Id(7)] double Speed,
    [property: Id(8)] long Version);
