using Collab.Exercises;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Grains;

/// <summary>The city's list of exercises kept by its registry grain: newer summaries win, purged ones leave, and it stays bounded.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ExerciseRegistryTests(ClusterFixture fx)
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private IExerciseRegistryGrain Registry => fx.Grains.GetGrain<IExerciseRegistryGrain>(IExerciseRegistryGrain.Key);

    [Fact]
    public async Task ANewerSummaryReplacesTheKeptOneAnOlderIsIgnoredAndAPurgedExerciseLeaves()
    {
        var id = Guid.NewGuid().ToString("N");
        var started = Summary(id, ExerciseStatus.Running, Start.AddYears(5), version: 1);
        await Registry.RecordAsync(started);
        await Registry.RecordAsync(started with { Status = ExerciseStatus.Paused, StepsPlayed = 4, Version = 6 });
        // A summary told late (a retry of an earlier act) changes nothing; the same one again neither.
        await Registry.RecordAsync(started with { StepsPlayed = 3, Version = 5 });
        await Registry.RecordAsync(started with { Status = ExerciseStatus.Paused, StepsPlayed = 4, Version = 6 });

        var kept = Assert.Single(await Registry.ListAsync([], IExerciseRegistryGrain.Capacity), e => e.Id == id);
        Assert.Equal(ExerciseStatus.Paused, kept.Status);
        Assert.Equal(4, kept.StepsPlayed);
        Assert.Contains(await Registry.ListAsync([ExerciseStatus.Paused], IExerciseRegistryGrain.Capacity), e => e.Id == id);
        Assert.DoesNotContain(await Registry.ListAsync([ExerciseStatus.Running, ExerciseStatus.Stopped], IExerciseRegistryGrain.Capacity), e => e.Id == id);

        await Registry.RecordAsync(started with { Status = ExerciseStatus.Purged, Version = 9 });
        Assert.DoesNotContain(await Registry.ListAsync([], IExerciseRegistryGrain.Capacity), e => e.Id == id);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Registry.ListAsync([], 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Registry.ListAsync([], IExerciseRegistryGrain.Capacity + 1));
    }

    [Fact]
    public async Task PastItsCapacityTheOldestEndedExerciseLeavesFirstAndRunningOnesStay()
    {
        // The oldest of all is running: it stays while ended ones can leave instead.
        var oldRunning = Summary(Guid.NewGuid().ToString("N"), ExerciseStatus.Running, Start.AddYears(-10), version: 1);
        await Registry.RecordAsync(oldRunning);
        var ended = new List<ExerciseSummary>();
        for (var i = 0; i < IExerciseRegistryGrain.Capacity + 5; i++)
        {
            var summary = Summary(Guid.NewGuid().ToString("N"), i % 2 == 0 ? ExerciseStatus.Completed : ExerciseStatus.Stopped, Start.AddYears(-9).AddMinutes(i), version: 3);
            ended.Add(summary);
            await Registry.RecordAsync(summary);
        }

        var all = await Registry.ListAsync([], IExerciseRegistryGrain.Capacity);
        Assert.Equal(IExerciseRegistryGrain.Capacity, all.Count);
        Assert.Contains(all, e => e.Id == oldRunning.Id);
        // Newest started first; the newest ended ones are all kept, the oldest have left.
        Assert.Equal(all.OrderByDescending(e => e.StartedAt).Select(e => e.Id), all.Select(e => e.Id));
        Assert.Equal(ended[^1].Id, all[0].Id);
        Assert.DoesNotContain(all, e => e.Id == ended[0].Id);
        Assert.Equal(3, (await Registry.ListAsync([], 3)).Count);
    }

    private static ExerciseSummary Summary(string id, ExerciseStatus status, DateTimeOffset startedAt, long version) =>
        new(id, "Registry", status, "Trainer Bianchi", startedAt, 0, 4, 10, version);
}
