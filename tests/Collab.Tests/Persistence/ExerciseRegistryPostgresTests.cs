using Collab.Common;
using Collab.Exercises;
using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Collab.Tests.Persistence;

/// <summary>In PostgreSQL mode the city's list of exercises survives a silo restart, and a purge removes the exercise from it for good.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ExerciseRegistryPostgresTests(PostgresFixture postgres)
{
    private static readonly Actor Trainer = new(ActorRole.Police, "trainer-" + Guid.NewGuid().ToString("N"), "Trainer Bianchi", "en");

    [Fact]
    public async Task TheListIsReadBackFromPostgresAndAPurgedExerciseStaysGone()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);
        var paused = Guid.NewGuid().ToString("N");
        var purged = Guid.NewGuid().ToString("N");
        var scenario = new Scenario("Registry", [
            new ScenarioStep(0, ScenarioStepKind.Inject, null, "Briefing"),
            new ScenarioStep(3600, ScenarioStepKind.Inject, null, "Much later"),
        ]);

        using (var silo = await hosts.StartSiloAsync())
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            Assert.True((await grains.GetGrain<IExerciseGrain>(purged).StartAsync(Trainer, scenario, 1)).IsOk);
            Assert.True((await grains.GetGrain<IExerciseGrain>(paused).StartAsync(Trainer, scenario, 5)).IsOk);
            Assert.True((await grains.GetGrain<IExerciseGrain>(paused).PauseAsync(Trainer)).IsOk);
            Assert.True((await grains.GetGrain<IExerciseGrain>(purged).StopAsync(Trainer)).IsOk);
            await silo.StopAsync();
        }

        using (var silo = await hosts.StartSiloAsync())
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var registry = grains.GetGrain<IExerciseRegistryGrain>(IExerciseRegistryGrain.Key);
            var listed = await registry.ListAsync([], IExerciseRegistryGrain.Capacity);
            Assert.Equal([paused, purged], listed.Select(e => e.Id));
            Assert.Equal(ExerciseStatus.Paused, listed[0].Status);
            Assert.Equal("Trainer Bianchi", listed[0].StartedBy);
            Assert.Equal(5, listed[0].Speed);
            Assert.Equal(2, listed[0].StepsTotal);
            Assert.Equal(ExerciseStatus.Stopped, listed[1].Status);

            Assert.Equal(ExerciseStatus.Purged, (await grains.GetGrain<IExerciseGrain>(purged).PurgeAsync(Trainer)).Value!.Status);
            Assert.Equal([paused], (await registry.ListAsync([], IExerciseRegistryGrain.Capacity)).Select(e => e.Id));
            await silo.StopAsync();
        }

        using (var silo = await hosts.StartSiloAsync())
        {
            var registry = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IExerciseRegistryGrain>(IExerciseRegistryGrain.Key);
            Assert.Equal([paused], (await registry.ListAsync([ExerciseStatus.Paused, ExerciseStatus.Stopped], IExerciseRegistryGrain.Capacity)).Select(e => e.Id));
            await silo.StopAsync();
        }

        // A list lost (or an exercise stored before there was one): the exercise is listed again once it is active.
        Assert.Equal(1, await ForgetListAsync(connectionString));
        using (var silo = await hosts.StartSiloAsync())
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var registry = grains.GetGrain<IExerciseRegistryGrain>(IExerciseRegistryGrain.Key);
            Assert.Empty(await registry.ListAsync([], IExerciseRegistryGrain.Capacity));
            Assert.True((await grains.GetGrain<IExerciseGrain>(paused).GetAsync()).IsOk);
            Assert.Equal(ExerciseStatus.Paused, Assert.Single(await registry.ListAsync([], IExerciseRegistryGrain.Capacity)).Status);
            await silo.StopAsync();
        }
    }

    /// <summary>Deletes the list's stored state (its state name, "exercises", under the key "city").</summary>
    private static async Task<int> ForgetListAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "DELETE FROM orleans_grain_state WHERE grain_type = 'exercises' AND grain_id_extension = 'city'", connection);
        return await command.ExecuteNonQueryAsync();
    }
}
