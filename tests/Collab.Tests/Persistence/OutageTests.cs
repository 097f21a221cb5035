using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Npgsql;

namespace Collab.Tests.Persistence;

/// <summary>PostgreSQL stopped under a running silo and gateway: a prompt 503, recovery, and no duplicates from retries.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OutageTests(PostgresFixture postgres)
{
    /// <summary>What a command may take while the database is down: connect timeout and a margin, far below Orleans' response timeout.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task CommandsAnswer503WhilePostgresIsDownAndRetriesWithTheSameKeyCreateNothingTwice()
    {
        // Stopping a shared server would hurt others: then this test brings its own.
        await using var database = await postgres.StoppableDatabaseAsync();
        var (connectionString, stop, start) = (database.ConnectionString, database.Stop, database.Start);
        var hosts = new AdoNetHosts(connectionString);

        using var silo = await hosts.StartSiloAsync();
        var (gateway, url) = await hosts.StartGatewayAsync();
        try
        {
            using var citizen = await ClientAsync(url, "citizen");
            using var police = await ClientAsync(url, "police");

            var first = await citizen.PostJsonAsync("/api/incidents", Sample.Report(), "report-1");
            var incident = (await first.JsonAsync(HttpStatusCode.Created)).Str("id");
            (await police.PostJsonAsync($"/api/incidents/{incident}/notes", new { text = "Unit on its way", visibility = "public" }, "note-1")).EnsureSuccessStatusCode();

            await stop();
            try
            {
                var clock = Stopwatch.StartNew();
                var report = await citizen.PostJsonAsync("/api/incidents", Sample.Report(description: "Second report"), "report-2");
                await report.ProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
                Assert.True(clock.Elapsed < Prompt, $"The report took {clock.Elapsed} to fail.");

                clock.Restart();
                var note = await police.PostJsonAsync($"/api/incidents/{incident}/notes", new { text = "Second unit", visibility = "public" }, "note-2");
                await note.ProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
                Assert.NotNull(note.Headers.RetryAfter);
                Assert.True(clock.Elapsed < Prompt, $"The note took {clock.Elapsed} to fail.");
            }
            finally
            {
                await start();
            }

            // Clients retry with their keys until the service is back; then once more, as a client
            // that never saw the first success would.
            var second = await UntilAcceptedAsync(() => citizen.PostJsonAsync("/api/incidents", Sample.Report(description: "Second report"), "report-2"));
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            var secondId = (await second.JsonAsync(HttpStatusCode.Created)).Str("id");
            var again = await citizen.PostJsonAsync("/api/incidents", Sample.Report(description: "Second report"), "report-2");
            Assert.Equal(secondId, (await again.JsonAsync(HttpStatusCode.Created)).Str("id"));

            await UntilAcceptedAsync(() => police.PostJsonAsync($"/api/incidents/{incident}/notes", new { text = "Second unit", visibility = "public" }, "note-2"));
            var noted = await police.PostJsonAsync($"/api/incidents/{incident}/notes", new { text = "Second unit", visibility = "public" }, "note-2");
            var notes = (await noted.JsonAsync(HttpStatusCode.OK)).GetProperty("notes");
            Assert.Equal(["Unit on its way", "Second unit"], notes.EnumerateArray().Select(n => n.Str("text")));

            Assert.Equal(1L, await ScalarAsync(connectionString, $"SELECT count(*) FROM collab_event_log WHERE stream = 'incident:{secondId}' AND event_type = 'incident.reported'"));
            Assert.Equal(2L, await ScalarAsync(connectionString, $"SELECT count(*) FROM collab_event_log WHERE stream = 'incident:{incident}' AND event_type = 'incident.note_added'"));
            Assert.Equal(2L, await ScalarAsync(connectionString, "SELECT count(*) FROM collab_event_log WHERE event_type = 'incident.reported'"));
        }
        finally
        {
            await gateway.StopAsync();
            await gateway.DisposeAsync();
            await silo.StopAsync();
        }
    }

    /// <summary>Retries a command (same key) while it answers 503, for at most 30 s.</summary>
    private static async Task<HttpResponseMessage> UntilAcceptedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.True(response.IsSuccessStatusCode, $"Still {(int)response.StatusCode} after PostgreSQL came back: {await response.Content.ReadAsStringAsync()}");
                return response;
            }

            await Task.Delay(250);
        }
    }

    private static async Task<HttpClient> ClientAsync(Uri gateway, string role)
    {
        var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
        var token = await http.PostAsJsonAsync("/dev/token", new { sub = $"{role}-{Guid.NewGuid():N}", role });
        var body = await token.JsonAsync(HttpStatusCode.OK);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.Str("token"));
        return http;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
