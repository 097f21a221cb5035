using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;
using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Collab.Tests.Persistence;

/// <summary>The per-stream event log in PostgreSQL: written before the acknowledgement, read back by fresh activations, never forked.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EventLogTests(PostgresFixture postgres)
{
    private static readonly Actor Citizen = new(ActorRole.Citizen, "citizen-" + Guid.NewGuid().ToString("N"), "Ada", "nl");
    private static readonly Actor Police = new(ActorRole.Police, "police-" + Guid.NewGuid().ToString("N"), "Desk 4", "nl");

    [Fact]
    public async Task EveryAcknowledgedEventIsInTheLogUnderItsTotalOrder()
    {
        var hosts = await MigratedHostsAsync();
        using var silo = await hosts.StartSiloAsync();
        var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(Guid.NewGuid().ToString("D"));

        Ok(await incident.ReportAsync(Report("r")));
        Ok(await incident.AddNoteAsync(new AddNote("n1", Police, "Police only", NoteVisibility.Police, "nl")));
        Ok(await incident.ChangeStatusAsync(new ChangeStatus("s1", Police, IncidentStatus.Acknowledged, null)));
        var timeline = await incident.ReadAsync(Audience.Police, 0, 100);

        var rows = await LogAsync(hosts, incident);
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Seq));
        Assert.Equal(timeline.Events.Select(e => (e.Seq, e.Id, e.Type)), rows.Select(r => (r.Seq, r.EventId, r.Type)));
        using var note = System.Text.Json.JsonDocument.Parse(rows[1].Payload);
        Assert.Equal("Police only", note.RootElement.GetProperty("fact").GetProperty("text").GetString());
        Assert.Equal("Police", note.RootElement.GetProperty("visibility").GetString());
        await silo.StopAsync();
    }

    [Fact]
    public async Task AFreshActivationRestoresAnIncidentWithoutASnapshotFromTheLog()
    {
        var hosts = await MigratedHostsAsync();
        var id = Guid.NewGuid().ToString("D");
        List<(string Type, string Extension, byte[] Payload, int Version)> snapshot;
        Realtime.StreamPage before;
        using (var silo = await hosts.StartSiloAsync())
        {
            var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);
            Ok(await incident.ReportAsync(Report("r")));
            snapshot = await SnapshotAsync(hosts, id);
            Ok(await incident.AddNoteAsync(new AddNote("n1", Police, "Unit on its way", NoteVisibility.Public, "nl")));
            Ok(await incident.ChangeStatusAsync(new ChangeStatus("s1", Police, IncidentStatus.Acknowledged, "seen")));
            Ok(await incident.AssignAsync(new AssignUnit("a1", Police, "Unit 7")));
            before = await incident.ReadAsync(Audience.Police, 0, 100);
            await silo.StopAsync();
        }

        // A crash before the incident's first snapshot: the report's identity (written before it)
        // is stored, the incident itself only as log rows.
        await RestoreSnapshotAsync(hosts, snapshot);
        await ForgetIncidentSnapshotAsync(hosts, id);

        using (var silo = await hosts.StartSiloAsync())
        {
            var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);
            var view = Ok(await incident.GetAsync(Police));
            Assert.Equal(IncidentStatus.Acknowledged, view.Status);
            Assert.Equal("Unit 7", view.AssignedUnit);
            Assert.Equal(["Unit on its way"], view.Notes.Select(n => n.Text));
            Assert.Equal(4, view.Seq);

            var after = await incident.ReadAsync(Audience.Police, 0, 100);
            Assert.Equal(before.Head, after.Head);
            Assert.Equal(before.Events.Select(e => (e.Seq, e.Id, e.Type)), after.Events.Select(e => (e.Seq, e.Id, e.Type)));
            var publicView = await incident.ReadAsync(Audience.Public, 0, 100);
            Assert.Equal([1L, 2L, 3L, 4L], publicView.Events.Select(e => e.Seq));

            // The idempotency keys came back with the events: a retried note adds nothing.
            var retried = Ok(await incident.AddNoteAsync(new AddNote("n1", Police, "Unit on its way", NoteVisibility.Public, "nl")));
            Assert.Single(retried.Notes);
            Assert.Equal(4, (await LogAsync(hosts, incident)).Count);
            await silo.StopAsync();
        }
    }

    [Fact]
    public async Task TwoWritersOfOneStreamCannotForkItsHistory()
    {
        // Two clusters on one service and database: the same incident is active in both, as a
        // duplicate activation would be after a partition.
        var first = await MigratedHostsAsync();
        var second = new AdoNetHosts(first.ConnectionString);
        using var siloA = await first.StartSiloAsync();
        using var siloB = await second.StartSiloAsync();
        var id = Guid.NewGuid().ToString("D");
        var a = siloA.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);
        var b = siloB.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);

        Ok(await a.ReportAsync(Report("r")));
        Ok(await b.GetAsync(Police));
        Ok(await a.AddNoteAsync(new AddNote("from-a", Police, "written by A", NoteVisibility.Public, "nl")));

        // B still believes seq 2 is free; the log says otherwise, and B keeps nothing.
        await Assert.ThrowsAsync<StreamConflictException>(() => b.AddNoteAsync(new AddNote("from-b", Police, "written by B", NoteVisibility.Public, "nl")));

        // B re-read (a fresh activation): the retry lands after A's note.
        var retried = Ok(await b.AddNoteAsync(new AddNote("from-b", Police, "written by B", NoteVisibility.Public, "nl")));
        Assert.Equal(["written by A", "written by B"], retried.Notes.Select(n => n.Text));

        // Now A is the stale one.
        await Assert.ThrowsAsync<StreamConflictException>(() => a.AddNoteAsync(new AddNote("from-a-2", Police, "A again", NoteVisibility.Public, "nl")));
        Ok(await a.AddNoteAsync(new AddNote("from-a-2", Police, "A again", NoteVisibility.Public, "nl")));

        var rows = await LogAsync(first, a);
        Assert.Equal([1L, 2L, 3L, 4L], rows.Select(r => r.Seq));
        Assert.Equal(rows.Count, rows.Select(r => r.EventId).Distinct().Count());
        var fromB = await b.ReadAsync(Audience.Police, 0, 100);
        Assert.Equal(rows.Take(3).Select(r => r.EventId), fromB.Events.Select(e => e.Id));

        await siloB.StopAsync();
        await siloA.StopAsync();
    }

    [Fact]
    public async Task ErasureAnonymisesTheCitizenInTheLogToo()
    {
        var hosts = await MigratedHostsAsync();
        var citizen = Citizen with { UserId = "citizen-" + Guid.NewGuid().ToString("N") };
        using var silo = await hosts.StartSiloAsync();
        var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(Guid.NewGuid().ToString("D"));
        Ok(await incident.ReportAsync(Report("r", citizen)));
        Ok(await incident.AddNoteAsync(new AddNote("n1", citizen, "More glass on the road", NoteVisibility.Public, "nl")));

        await incident.EraseCitizenAsync(citizen.UserId);

        var rows = await LogAsync(hosts, incident);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.DoesNotContain(citizen.UserId, r.Payload, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Contains("former resident", r.Payload, StringComparison.Ordinal));
        await silo.StopAsync();
    }

    [Fact]
    public async Task HistoryTrimmedFromTheSnapshotIsReplayedFromTheLogWithoutGaps()
    {
        var hosts = await MigratedHostsAsync();
        var settings = hosts.Settings();
        settings["Collab:Realtime:IncidentTimelineCapacity"] = "10";
        using var silo = hosts.BuildSilo(settings);
        await silo.StartAsync();
        var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(Guid.NewGuid().ToString("D"));
        Ok(await incident.ReportAsync(Report("r")));
        for (var i = 0; i < 30; i++)
        {
            var visibility = i % 3 == 0 ? NoteVisibility.Police : NoteVisibility.Public;
            Ok(await incident.AddNoteAsync(new AddNote($"n{i}", Police, $"note {i}", visibility, "nl")));
        }

        var police = await incident.ReadAsync(Audience.Police, 0, 1_000);
        Assert.False(police.Truncated);
        Assert.Equal(Enumerable.Range(1, 31).Select(i => (long)i), police.Events.Select(e => e.Seq));
        var pub = await incident.ReadAsync(Audience.Public, 0, 1_000);
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), pub.Events.Select(e => e.Seq));
        Assert.DoesNotContain(pub.Events, e => e.Data is NoteAddedData { Note.Visibility: NoteVisibility.Police });
        Assert.Equal("note 1", ((NoteAddedData)pub.Events[1].Data).Note.Text);

        // A page from the middle, and one that crosses from the log into the snapshot.
        Assert.Equal([6L, 7L, 8L], (await incident.ReadAsync(Audience.Police, 5, 3)).Events.Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(16, 16).Select(i => (long)i), (await incident.ReadAsync(Audience.Police, 15, 1_000)).Events.Select(e => e.Seq));
        await silo.StopAsync();
    }

    [Fact]
    public async Task ACommandIsStoredAsItsLogRowAndTheSnapshotFollowsEveryHundredEvents()
    {
        var hosts = await MigratedHostsAsync();
        var id = Guid.NewGuid().ToString("D");
        int snapshotted;
        using (var silo = await hosts.StartSiloAsync())
        {
            var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);
            Ok(await incident.ReportAsync(Report("r")));
            // The report too is its log row; the directory finds the incident there.
            Assert.DoesNotContain(await SnapshotAsync(hosts, id, required: false), r => r.Type == IncidentGrain.StateName);
            Assert.Equal([true], await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentDirectory>(0).ExistsAsync([id]));
            Ok(await incident.AddNoteAsync(new AddNote("first", Police, "note 0", NoteVisibility.Public, "nl")));

            for (var i = 3; i < IncidentGrain.SnapshotEvery; i++)
            {
                Ok(await incident.AddNoteAsync(new AddNote($"n{i}", Police, $"note {i}", NoteVisibility.Public, "nl")));
            }

            // Each command is a log row, stored before its answer; the whole state is not rewritten per command.
            Assert.Equal(IncidentGrain.SnapshotEvery - 1, (await LogAsync(hosts, incident)).Count);
            Assert.DoesNotContain(await SnapshotAsync(hosts, id, required: false), r => r.Type == IncidentGrain.StateName);

            // The hundredth event writes it.
            Ok(await incident.AddNoteAsync(new AddNote("last", Police, "note 99", NoteVisibility.Public, "nl")));
            snapshotted = await IncidentSnapshotVersionAsync(hosts, id);

            // A flag is in no event: it is in the snapshot before its answer.
            var note = Ok(await incident.GetAsync(Police)).Notes[0].EventId;
            Ok(await incident.FlagAsync(new FlagNote("f1", Citizen, note, "spam")));
            Assert.Equal(snapshotted + 1, await IncidentSnapshotVersionAsync(hosts, id));

            // Unsaved events are written when the activation goes (here, the silo stops).
            Ok(await incident.ChangeStatusAsync(new ChangeStatus("s1", Police, IncidentStatus.Acknowledged, null)));
            await silo.StopAsync();
        }

        Assert.Equal(snapshotted + 2, await IncidentSnapshotVersionAsync(hosts, id));
        using (var silo = await hosts.StartSiloAsync())
        {
            var view = Ok(await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id).GetAsync(Police));
            Assert.Equal(IncidentStatus.Acknowledged, view.Status);
            Assert.Equal(IncidentGrain.SnapshotEvery - 1, view.Notes.Count);
            Assert.Equal(IncidentGrain.SnapshotEvery + 1, view.Seq);
            await silo.StopAsync();
        }
    }

    [Fact]
    public async Task ALongTimelinesSnapshotWaitsForAsManyEventsAsItHeldAndACrashReplaysThemFromTheLog()
    {
        var hosts = await MigratedHostsAsync();
        var id = Guid.NewGuid().ToString("D");
        List<(string Type, string Extension, byte[] Payload, int Version)> snapshot;
        using (var silo = await hosts.StartSiloAsync())
        {
            var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);
            Ok(await incident.ReportAsync(Report("r")));

            // The report is a log row like any event: the snapshot is written at the 100th event
            // (seq 100), then once as many events as it held (100) have come: at seq 200, not at 199
            // or 300.
            var versions = new Dictionary<int, int>();
            for (var seq = 2; seq <= 350; seq++)
            {
                Ok(await incident.AssignAsync(new AssignUnit(null, Police, $"Unit {seq}")));
                if (seq is 99 or 100 or 199 or 200 or 350)
                {
                    versions[seq] = await IncidentSnapshotVersionAsync(hosts, id, required: seq >= 100);
                }
            }

            Assert.Equal(0, versions[99]);
            Assert.Equal(versions[100], versions[199]);
            Assert.Equal(versions[199] + 1, versions[200]);
            Assert.Equal(versions[200], versions[350]);

            // What a crash leaves: the snapshot of seq 200; seq 201..350 only as log rows.
            snapshot = await SnapshotAsync(hosts, id);
            await silo.StopAsync();
        }

        await RestoreSnapshotAsync(hosts, snapshot);
        using (var silo = await hosts.StartSiloAsync())
        {
            var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);
            var view = Ok(await incident.GetAsync(Police));
            Assert.Equal(350, view.Seq);
            Assert.Equal("Unit 350", view.AssignedUnit);
            Assert.Equal(Enumerable.Range(341, 10).Select(i => (long)i), (await incident.ReadAsync(Audience.Police, 340, 1_000)).Events.Select(e => e.Seq));

            // The stream goes on without a gap or a second seq.
            Ok(await incident.AssignAsync(new AssignUnit(null, Police, "Unit 351")));
            Assert.Equal(Enumerable.Range(1, 351).Select(i => (long)i), (await LogAsync(hosts, incident)).Select(r => r.Seq));
            await silo.StopAsync();
        }
    }

    [Fact]
    public async Task EventsAfterTheLastSnapshotComeBackFromTheLogWhenTheSiloDiesWithoutWritingIt()
    {
        var hosts = await MigratedHostsAsync();
        var id = Guid.NewGuid().ToString("D");
        List<(string Type, string Extension, byte[] Payload, int Version)> snapshot;
        string first;
        using (var silo = await hosts.StartSiloAsync())
        {
            var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);
            Ok(await incident.ReportAsync(Report("r")));
            first = Ok(await incident.AddNoteAsync(new AddNote("p", Police, "public", NoteVisibility.Public, "nl"))).Notes[0].EventId;
            // A flag is in no event, so it writes the snapshot: report, note, flag.
            Ok(await incident.FlagAsync(new FlagNote("f", Citizen, first, "spam")));
            for (var i = 0; i < 5; i++)
            {
                Ok(await incident.AddNoteAsync(new AddNote($"n{i}", Police, $"note {i}", NoteVisibility.Police, "nl")));
            }

            // What a crash leaves: that snapshot; the later notes only as log rows.
            snapshot = await SnapshotAsync(hosts, id);
            Assert.Single(snapshot, r => r.Type == IncidentGrain.StateName);
            await silo.StopAsync();
        }

        await RestoreSnapshotAsync(hosts, snapshot);
        using (var silo = await hosts.StartSiloAsync())
        {
            var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id);
            var view = Ok(await incident.GetAsync(Police));
            Assert.Equal(["public", "note 0", "note 1", "note 2", "note 3", "note 4"], view.Notes.Select(n => n.Text));
            Assert.Equal(7, view.Seq);

            // The flag held in the snapshot still counts: the same citizen's second flag adds nothing.
            Ok(await incident.FlagAsync(new FlagNote("f2", Citizen, first, "spam again")));
            Assert.Equal(7, Ok(await incident.GetAsync(Police)).Seq);

            // And the stream goes on from there, without a gap or a second seq 3..7.
            Ok(await incident.AssignAsync(new AssignUnit("a1", Police, "Unit 7")));
            Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), (await LogAsync(hosts, incident)).Select(r => r.Seq));
            await silo.StopAsync();
        }
    }

    /// <summary>The incident's snapshot version; 0 when none is written and none was <paramref name="required"/>.</summary>
    private static async Task<int> IncidentSnapshotVersionAsync(AdoNetHosts hosts, string id, bool required = true)
    {
        var rows = (await SnapshotAsync(hosts, id, required)).Where(r => r.Type == IncidentGrain.StateName).ToList();
        return !required && rows.Count == 0 ? 0 : Assert.Single(rows).Version;
    }

    private static ReportIncident Report(string key, Actor? actor = null) =>
        new(key, actor ?? Citizen, "vandalism", "Bus shelter glass smashed", new GeoPoint(52.0712, 4.2811, 10), Severity.Medium, "nl");

    private async Task<AdoNetHosts> MigratedHostsAsync()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        return new AdoNetHosts(connectionString);
    }

    internal static async Task<List<LoggedEvent>> LogAsync(AdoNetHosts hosts, IIncidentGrain incident)
    {
        await using var source = NpgsqlDataSource.Create(hosts.ConnectionString);
        var log = new NpgsqlEventLog(source);
        return [.. await log.ReadAsync($"incident:{incident.GetPrimaryKeyString()}", 0, 10_000)];
    }

    private static async Task<List<(string Type, string Extension, byte[] Payload, int Version)>> SnapshotAsync(AdoNetHosts hosts, string id, bool required = true)
    {
        var rows = new List<(string, string, byte[], int)>();
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT grain_type, grain_id_extension, payload, version FROM orleans_grain_state WHERE grain_id_extension LIKE @id AND payload IS NOT NULL", connection);
        command.Parameters.AddWithValue("id", "%" + id + "%");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetInt32(3)));
        }

        if (required)
        {
            Assert.NotEmpty(rows);
        }

        return rows;
    }

    private static async Task ForgetIncidentSnapshotAsync(AdoNetHosts hosts, string id)
    {
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "DELETE FROM orleans_grain_state WHERE grain_type = @type AND grain_id_extension LIKE @id", connection);
        command.Parameters.AddWithValue("type", IncidentGrain.StateName);
        command.Parameters.AddWithValue("id", "%" + id + "%");
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task RestoreSnapshotAsync(AdoNetHosts hosts, List<(string Type, string Extension, byte[] Payload, int Version)> rows)
    {
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        foreach (var (type, extension, payload, version) in rows)
        {
            await using var command = new NpgsqlCommand(
                "UPDATE orleans_grain_state SET payload = @payload, version = @version WHERE grain_type = @type AND grain_id_extension = @extension", connection);
            command.Parameters.AddWithValue("payload", payload);
            command.Parameters.AddWithValue("version", version);
            command.Parameters.AddWithValue("type", type);
            command.Parameters.AddWithValue("extension", extension);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
    }

    private static T Ok<T>(Outcome<T> outcome)
    {
        Assert.True(outcome.IsOk, $"Command failed: {outcome.Error}");
        return outcome.Value!;
    }
}
