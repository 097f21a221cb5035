using Collab.Common;
using Collab.Exercises;
using Collab.Incidents;
using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Collab.Tests.Persistence;

/// <summary>In PostgreSQL mode an exercise plays, survives a silo restart, and its purge removes its incidents' snapshots and event log rows, and nothing else.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ExercisePurgePostgresTests(PostgresFixture postgres)
{
    private static readonly Actor Trainer = new(ActorRole.Police, "trainer-" + Guid.NewGuid().ToString("N"), "Trainer", "en");
    private static readonly Actor Police = new(ActorRole.Police, "police-" + Guid.NewGuid().ToString("N"), "Desk 4", "en");

    [Fact]
    public async Task APurgedExerciseLeavesNoRowsAndRealIncidentsKeepTheirs()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);
        var exerciseId = Guid.NewGuid().ToString("D");
        var realId = Guid.NewGuid().ToString("D");
        var scenario = new Scenario("Purge", [
            new ScenarioStep(0, ScenarioStepKind.Report, "a", "Exercise report", "noise", new GeoPoint(52.0712, 4.2811)),
            new ScenarioStep(0.5, ScenarioStepKind.Note, "a", "Exercise note"),
            new ScenarioStep(1, ScenarioStepKind.Alert, null, "Exercise alert text", Neighbourhood: "centrum", Headline: "Exercise alert"),
        ]);

        string incidentId;
        using (var silo = await hosts.StartSiloAsync())
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            Assert.True((await grains.GetGrain<IIncidentGrain>(realId).ReportAsync(new ReportIncident(
                "real", Police, "noise", "Real report", new GeoPoint(52.0712, 4.2811), Severity.Low, "en"))).IsOk);
            Assert.True((await grains.GetGrain<IExerciseGrain>(exerciseId).StartAsync(Trainer, scenario, 10)).IsOk);
            var view = await UntilCompletedAsync(grains.GetGrain<IExerciseGrain>(exerciseId));
            incidentId = view.Incidents["a"];
            Assert.Equal(2, await LogRowsAsync(connectionString, incidentId));
            await silo.StopAsync();
        }

        // A fresh silo reads the exercise and its incident back from PostgreSQL, then purges them.
        using (var silo = await hosts.StartSiloAsync())
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var exercise = grains.GetGrain<IExerciseGrain>(exerciseId);
            Assert.Equal(exerciseId, (await grains.GetGrain<IIncidentGrain>(incidentId).GetAsync(Police)).Value!.Exercise);
            var alert = (await exercise.GetAsync()).Value!.Alerts!.Single();
            Assert.Equal(exerciseId, (await grains.GetGrain<Collab.Alerts.IAlertGrain>(alert).GetAsync()).Value!.Exercise);

            // The real incident ignores a purge that names it.
            await grains.GetGrain<IIncidentGrain>(realId).PurgeExerciseAsync(exerciseId);
            Assert.Equal(ExerciseStatus.Purged, (await exercise.PurgeAsync(Trainer)).Value!.Status);

            Assert.Equal(0, await LogRowsAsync(connectionString, incidentId));
            Assert.Equal(0, await StoredStatesAsync(connectionString, incidentId));
            Assert.Equal(1, await LogRowsAsync(connectionString, realId));
            Assert.Equal(ErrorKind.NotFound, (await grains.GetGrain<IIncidentGrain>(incidentId).GetAsync(Police)).Error!.Kind);
            Assert.Equal(ErrorKind.NotFound, (await grains.GetGrain<Collab.Alerts.IAlertGrain>(alert).GetAsync()).Error!.Kind);
            Assert.True((await grains.GetGrain<IIncidentGrain>(realId).GetAsync(Police)).IsOk);
            await silo.StopAsync();
        }
    }

    private static async Task<ExerciseView> UntilCompletedAsync(IExerciseGrain exercise)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var view = (await exercise.GetAsync()).Value!;
            if (view.Status == ExerciseStatus.Completed) return view;
            Assert.True(DateTime.UtcNow < until, $"The exercise is still {view.Status} after {view.StepsPlayed} steps.");
            await Task.Delay(100);
        }
    }

    private static async Task<long> LogRowsAsync(string connectionString, string incidentId) =>
        await CountAsync(connectionString, "SELECT count(*) FROM collab_event_log WHERE stream = @id", $"incident:{incidentId}");

    private static async Task<long> StoredStatesAsync(string connectionString, string incidentId) =>
        await CountAsync(connectionString, "SELECT count(*) FROM orleans_grain_state WHERE grain_id_extension LIKE @id AND payload IS NOT NULL", $"%{incidentId}%");

    private static async Task<long> CountAsync(string connectionString, string sql, string id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
