using Collab.Citizens;
using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Collab.Tests.Persistence;

/// <summary>Real silos on a real PostgreSQL: ADO.NET clustering, grain state and the project's queries.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresFixture postgres)
{
    [Fact]
    public async Task IncidentsNotesTimelineAndProfilesSurviveAFullClusterRestart()
    {
        var hosts = await MigratedHostsAsync();
        var incidentId = Guid.NewGuid().ToString("N");
        var citizen = new Actor(ActorRole.Citizen, "citizen-" + Guid.NewGuid().ToString("N"), "Ada", "nl");
        var police = new Actor(ActorRole.Police, "police-" + Guid.NewGuid().ToString("N"), "Desk 4", "nl");

        IncidentView reported;
        IncidentView noted;
        Realtime.StreamPage timeline;
        using (var silo = await hosts.StartSiloAsync())
        {
            await using var client = await hosts.StartClientAsync();
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            var incident = grains.GetGrain<IIncidentGrain>(incidentId);

            reported = Ok(await incident.ReportAsync(new ReportIncident(
                "report-1", citizen, "vandalism", "Bus shelter glass smashed", new GeoPoint(52.0712, 4.2811, 10), Severity.Medium, "nl")));
            noted = Ok(await incident.AddNoteAsync(new AddNote("note-1", police, "Unit on its way", NoteVisibility.Public, "nl")));
            Ok(await grains.GetGrain<ICitizenGrain>(citizen.UserId).SetFollowsAsync(["centrum", "parkwijk"]));
            timeline = await incident.ReadAsync(Audience.Police, 0, 100);

            await client.StopAsync();
            await silo.StopAsync();
        }

        using (var silo = await hosts.StartSiloAsync())
        {
            await using var client = await hosts.StartClientAsync();
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            var incident = grains.GetGrain<IIncidentGrain>(incidentId);

            var view = Ok(await incident.GetAsync(police));
            Assert.Equal(reported.Category, view.Category);
            Assert.Equal(reported.Description, view.Description);
            Assert.Equal("centrum", view.Neighbourhood);
            Assert.Equal(noted.Seq, view.Seq);
            Assert.Equal(["Unit on its way"], view.Notes.Select(n => n.Text));

            var replayed = await incident.ReadAsync(Audience.Police, 0, 100);
            Assert.True(replayed.Found);
            Assert.Equal(timeline.Head, replayed.Head);
            Assert.Equal(timeline.Events.Select(e => (e.Seq, e.Id, e.Type)), replayed.Events.Select(e => (e.Seq, e.Id, e.Type)));
            Assert.True(replayed.Events.Count >= 2, "The timeline holds the report and the note.");

            // A retried command after the restart is still recognised: no second note.
            var retried = Ok(await incident.AddNoteAsync(new AddNote("note-1", police, "Unit on its way", NoteVisibility.Public, "nl")));
            Assert.Single(retried.Notes);

            var profile = await grains.GetGrain<ICitizenGrain>(citizen.UserId).GetProfileAsync();
            Assert.Equal(["centrum", "parkwijk"], profile.Follows);
            Assert.Contains(incidentId, profile.Reports);

            await client.StopAsync();
            await silo.StopAsync();
        }

        Assert.True(await ScalarAsync<long>(hosts.ConnectionString, "SELECT count(*) FROM orleans_grain_state WHERE payload IS NOT NULL") >= 2);
    }

    [Fact]
    public async Task ASiloIsActiveInTheMembershipTableWhileUpAndDeadAfterLeaving()
    {
        var hosts = await MigratedHostsAsync();
        var settings = hosts.Settings();
        var siloPort = int.Parse(settings["Collab:Cluster:SiloPort"]!);

        using var silo = hosts.BuildSilo(settings);
        await silo.StartAsync();
        var joined = await MemberStatusAsync(hosts, siloPort);
        Assert.Equal([3], joined); // SiloStatus.Active

        await silo.StopAsync();
        var left = await MemberStatusAsync(hosts, siloPort);
        Assert.Equal([6], left); // SiloStatus.Dead
        Assert.True(await ScalarAsync<int>(hosts.ConnectionString, $"SELECT version FROM orleans_membership_version WHERE deployment_id = '{hosts.ClusterId}'") >= 2);
    }

    [Fact]
    public async Task ASecondSiloJoinsTheSameClusterThroughTheTable()
    {
        var hosts = await MigratedHostsAsync();
        using var first = await hosts.StartSiloAsync();
        using var second = await hosts.StartSiloAsync();

        Assert.Equal(2L, await ScalarAsync<long>(hosts.ConnectionString, $"SELECT count(*) FROM orleans_membership WHERE deployment_id = '{hosts.ClusterId}' AND status = 3"));

        await second.StopAsync();
        await first.StopAsync();
        Assert.Equal(2L, await ScalarAsync<long>(hosts.ConnectionString, $"SELECT count(*) FROM orleans_membership WHERE deployment_id = '{hosts.ClusterId}' AND status = 6"));
    }

    /// <summary>
    /// The neighbourhood is journaled: its events are in the log before they are pushed, and a
    /// new activation rebuilds from the log what its snapshot lacks. Here the snapshot row is
    /// deleted outright, so everything after the restart comes from the log alone.
    /// </summary>
    [Fact]
    public async Task ANeighbourhoodWithoutItsSnapshotIsRebuiltFromTheEventLog()
    {
        var hosts = await MigratedHostsAsync();
        var police = new Actor(ActorRole.Police, "police-" + Guid.NewGuid().ToString("N"), "Desk 4", "nl");
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString("D")).ToList();

        NeighbourhoodView before;
        Realtime.StreamPage timeline;
        using (var silo = await hosts.StartSiloAsync())
        {
            await using var client = await hosts.StartClientAsync();
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            foreach (var id in ids)
            {
                Ok(await grains.GetGrain<IIncidentGrain>(id).ReportAsync(new ReportIncident(
                    "report-" + id, police, "vandalism", "Bus shelter glass smashed", new GeoPoint(52.0712, 4.2811, 10), Severity.Medium, "nl")));
            }

            var hood = grains.GetGrain<INeighbourhoodGrain>("centrum");
            before = Ok(await hood.GetAsync(Audience.Police));
            timeline = await hood.ReadAsync(Audience.Police, 0, 100);
            await client.StopAsync();
            await silo.StopAsync();
        }

        Assert.Equal(3L, await ScalarAsync<long>(hosts.ConnectionString, "SELECT count(*) FROM collab_event_log WHERE stream = 'neighbourhood:centrum'"));
        await using (var connection = new NpgsqlConnection(hosts.ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("DELETE FROM orleans_grain_state WHERE grain_id_extension = 'centrum'", connection);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        using (var silo = await hosts.StartSiloAsync())
        {
            await using var client = await hosts.StartClientAsync();
            var hood = client.Services.GetRequiredService<IGrainFactory>().GetGrain<INeighbourhoodGrain>("centrum");
            var after = Ok(await hood.GetAsync(Audience.Police));
            Assert.Equal(before.Seq, after.Seq);
            Assert.Equal(ids.Order(), after.ActiveIncidents.Select(i => i.Id).Order());
            Assert.Equal(before.CountsLast24h, after.CountsLast24h);

            var replayed = await hood.ReadAsync(Audience.Police, 0, 100);
            Assert.Equal(timeline.Events.Select(e => (e.Seq, e.Id, e.Type)), replayed.Events.Select(e => (e.Seq, e.Id, e.Type)));
            await client.StopAsync();
            await silo.StopAsync();
        }
    }

    private async Task<AdoNetHosts> MigratedHostsAsync()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        return new AdoNetHosts(connectionString);
    }

    private static async Task<List<int>> MemberStatusAsync(AdoNetHosts hosts, int siloPort)
    {
        var statuses = new List<int>();
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT status FROM orleans_membership WHERE deployment_id = @cluster AND address = '127.0.0.1' AND port = @port",
            connection);
        command.Parameters.AddWithValue("cluster", hosts.ClusterId);
        command.Parameters.AddWithValue("port", siloPort);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            statuses.Add(reader.GetInt32(0));
        }

        return statuses;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static T Ok<T>(Outcome<T> outcome)
    {
        Assert.True(outcome.IsOk, $"Command failed: {outcome.Error}");
        return outcome.Value!;
    }
}
