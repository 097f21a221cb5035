using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Collab.Realtime;
using Collab.Silo.Persistence;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Npgsql;

namespace Collab.Tests.Federation;

/// <summary>
/// Two partner cities in PostgreSQL mode: each its own cluster on its own database of the suite's
/// server, real signed HTTP between them. The origin's outbox is rows of <c>collab_event_log</c>
/// (stream <c>federation-outbox:{partner}</c>) and survives the origin's silo going away.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FederationPostgresTests(PostgresFixture postgres)
{
    private const string FromA = "partner:city-a";
    private const string Outbox = "federation-outbox:city-b";
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);

    /// <summary>Past the outbox's reminder period (1 min): what brings a restarted origin's link back when nothing new is reported.</summary>
    private static readonly TimeSpan AfterRestart = TimeSpan.FromSeconds(100);

    [Fact]
    public async Task AnOriginRestartedWithItsDatabaseDeliversWhatWasUndeliveredInOrderOnceAndAPartnerRestartedEmptyCatchesUp()
    {
        var budget = Stopwatch.StartNew();
        var databaseA = await postgres.MigratedDatabaseAsync();
        await using var cities = await TwoCities.StartAsync(databaseA, await postgres.MigratedDatabaseAsync());

        // Live: a shared change arrives at the partner and is pushed to its subscriber.
        await using (var live = await LiveClient.ConnectAsync(cities.B.Url, await cities.B.TokenAsync("police")))
        {
            await live.SubscribeAsync(FromA);
            var first = await ReportAsync(cities.A, "vandalism");
            var e = await live.NextAsync(FromA, EventTypes.PartnerIncidentUpdated, Arrival);
            Assert.Equal((FromA, 1L, first, "city-a"), (e.Stream, e.Seq, e.Get("incident.id"), e.Get("incident.origin")));
        }

        Assert.Equal([1L], await OutboxSeqsAsync(databaseA));

        // The partner goes down; the origin keeps reporting, then its silo host stops and starts
        // again with its database while all of that is still undelivered.
        await cities.B.StopAsync();
        var reported = new List<string>();
        using (var police = cities.A.Http(await cities.A.TokenAsync("police")))
        {
            for (var i = 0; i < 6; i++)
            {
                var id = await ReportAsync(cities.A, i % 2 == 0 ? "noise" : "vandalism");
                reported.Add(id);
                (await police.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" })).EnsureSuccessStatusCode();
            }
        }

        Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), await OutboxSeqsAsync(databaseA));
        await cities.A.StopAsync();
        await cities.A.StartAsync();

        // Nothing new is reported: the link comes back by itself (its reminder), and the partner
        // (back with its own database, which applied seq 1) receives seqs 2..13, in order, once.
        await cities.B.StartAsync();
        var events = await PartnerStreamAsync(cities.B, 13, AfterRestart);
        AssertExactlyOnce(events, reported);
        Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), await OutboxSeqsAsync(databaseA));

        // The partner restarted empty (a fresh database) is repaired from the origin's log at the
        // origin's next shared change: refused (409, applied through 0), the origin resends from seq 1.
        await cities.B.StopAsync();
        cities.B.UsePostgres(await postgres.MigratedDatabaseAsync());
        await cities.B.StartAsync();
        reported.Add(await ReportAsync(cities.A, "noise"));
        var again = await PartnerStreamAsync(cities.B, 14, Arrival);
        Assert.Equal(events.Select(e => (e.Get("incident.id"), e.Get("change"))), again.Take(13).Select(e => (e.Get("incident.id"), e.Get("change"))));
        Assert.Equal((14L, reported[^1], EventTypes.IncidentReported), (again[13].Seq, again[13].Get("incident.id"), again[13].Get("change")));

        // The origin's outbox is 1..14, each once: the restart appended nothing twice.
        Assert.Equal(Enumerable.Range(1, 14).Select(i => (long)i), await OutboxSeqsAsync(databaseA));
        Assert.True(budget.Elapsed < TimeSpan.FromSeconds(240), $"The test took {budget.Elapsed}.");
    }

    [Fact]
    public async Task AnOriginSiloKilledMidDeliveryAndRestartedLosesNothingAndSendsNothingTwice()
    {
        var budget = Stopwatch.StartNew();
        var a = new City("city-a", CityKey.New(), FreePorts.Next());
        var b = new City("city-b", CityKey.New(), FreePorts.Next());
        a.Partner(b, neighbourhoods: ["centrum"], categories: ["vandalism", "noise"], audience: "public");
        b.Partner(a, neighbourhoods: ["*"], categories: ["*"], audience: "authorities");
        b.UsePostgres(await postgres.MigratedDatabaseAsync());

        // City A: a silo process (killed with SIGKILL) and a gateway in front of it, on its own
        // database; small batches and a short backoff so that a kill lands mid-delivery.
        var hosts = new AdoNetHosts(await postgres.MigratedDatabaseAsync());
        var federation = a.Settings.Where(s => s.Key.StartsWith("Collab:City:", StringComparison.Ordinal) || s.Key.StartsWith("Collab:Federation:", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value);
        federation["Collab:Federation:BatchSize"] = "2";
        federation["Collab:Federation:MaxBackoff"] = "00:00:01";
        var silo = SiloProcess.Start(hosts, federation);
        var (gateway, url) = await hosts.StartGatewayAsync(new(federation) { ["Collab:Cluster:ResponseTimeout"] = SiloProcess.FailoverResponseTimeout });
        try
        {
            await b.StartAsync();
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(40) };
            var citizen = await TokenAsync(http, "citizen");
            var police = await TokenAsync(http, "police");
            var reported = new List<string>();

            // 1. The first shared change reaches the partner, and the silo dies at once: before
            // the link's first snapshot (its timer runs every 2 s).
            await using (var live = await LiveClient.ConnectAsync(b.Url, await b.TokenAsync("police")))
            {
                await live.SubscribeAsync(FromA);
                reported.Add(await CommandAsync(http, citizen, "/api/incidents", Sample.Report("vandalism", "Killed right after"), "report-0"));
                Assert.Equal(1, (await live.NextAsync(FromA, EventTypes.PartnerIncidentUpdated, Arrival)).Seq);
                silo.Kill();
            }

            silo.Dispose();
            silo = SiloProcess.Start(hosts, federation);

            // 2. The partner is down while the origin reports ten more changes.
            await b.StopAsync();
            for (var i = 1; i <= 5; i++)
            {
                var id = await CommandAsync(http, citizen, "/api/incidents", Sample.Report(i % 2 == 0 ? "noise" : "vandalism", $"Incident {i}"), $"report-{i}");
                reported.Add(id);
                await CommandAsync(http, police, $"/api/incidents/{id}/status", new { status = "acknowledged" }, $"ack-{i}");
            }

            // 3. The partner comes back; as soon as delivery has started (two events per batch),
            // the origin's silo is killed again, and another one started.
            await b.StartAsync();
            await using (var live = await LiveClient.ConnectAsync(b.Url, await b.TokenAsync("police")))
            {
                await live.SubscribeAsync(FromA, afterSeq: 1);
                await live.NextAsync(FromA, Arrival);
                silo.Kill();
            }

            silo.Dispose();
            silo = SiloProcess.Start(hosts, federation);

            // Nothing new is reported: the link comes back by its reminder on the new silo.
            var events = await PartnerStreamAsync(b, 11, AfterRestart + TimeSpan.FromSeconds(30));
            Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), events.Select(e => e.Seq));
            var changes = events.Select(e => (Id: e.Get("incident.id"), Change: e.Get("change"))).ToList();
            Assert.Equal(changes.Count, changes.Distinct().Count());
            Assert.Equal(reported, changes.Where(c => c.Change == EventTypes.IncidentReported).Select(c => c.Id));
            Assert.Equal(reported.Skip(1), changes.Where(c => c.Change == EventTypes.StatusChanged).Select(c => c.Id));
            Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), await OutboxSeqsAsync(hosts.ConnectionString));
            Assert.True(budget.Elapsed < TimeSpan.FromSeconds(300), $"The test took {budget.Elapsed}.");
        }
        finally
        {
            silo.Dispose();
            await gateway.StopAsync();
            await gateway.DisposeAsync();
            await b.StopAsync();
        }
    }

    private static async Task<string> TokenAsync(HttpClient http, string role)
    {
        var response = await http.PostJsonAsync("/dev/token", new { sub = $"{role}-{Guid.NewGuid():N}", role });
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync(HttpStatusCode.OK)).Str("token");
    }

    /// <summary>A command with its idempotency key, retried while the origin's cluster answers 503 (no silo yet, or a killed one), for at most 60 s; returns the incident id.</summary>
    private static async Task<string> CommandAsync(HttpClient http, string token, string path, object body, string key)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("Idempotency-Key", key);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                return path == "/api/incidents" ? JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()! : path.Split('/')[3];
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {(int)response.StatusCode} {text}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{path}: still 503 after {clock.Elapsed}: {text}");
            await Task.Delay(200);
        }
    }

    /// <summary>13 events: the first incident's report, then each of six reported and acknowledged; all distinct, each change once, in report order.</summary>
    private static void AssertExactlyOnce(IReadOnlyList<WireEvent> events, IReadOnlyList<string> reported)
    {
        Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), events.Select(e => e.Seq));
        var changes = events.Select(e => (Id: e.Get("incident.id"), Change: e.Get("change"))).ToList();
        Assert.Equal(changes.Count, changes.Distinct().Count());
        Assert.Equal(reported, changes.Skip(1).Where(c => c.Change == EventTypes.IncidentReported).Select(c => c.Id));
        Assert.Equal(reported, changes.Where(c => c.Change == EventTypes.StatusChanged).Select(c => c.Id));
    }

    /// <summary>
    /// The partner's <c>partner:city-a</c> stream from its start, as a subscriber receives it (replayed,
    /// then pushed live as it arrives), until it holds <paramref name="count"/> events; then nothing more follows.
    /// </summary>
    internal static async Task<IReadOnlyList<WireEvent>> PartnerStreamAsync(City city, int count, TimeSpan timeout)
    {
        await using var live = await LiveClient.ConnectAsync(city.Url, await city.TokenAsync("police"));
        var until = DateTime.UtcNow + timeout;
        await live.SubscribeAsync(FromA, afterSeq: 0);
        var events = new List<WireEvent>();
        while (events.Count < count)
        {
            var left = until - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"The partner holds {events.Count} of {count} events after {timeout}.");
            try
            {
                events.Add(await live.NextAsync(FromA, left));
            }
            catch (TimeoutException)
            {
            }
        }

        await live.AssertQuietAsync(FromA, TimeSpan.FromSeconds(1));
        return events;
    }

    internal static async Task<string> ReportAsync(City city, string category)
    {
        using var http = city.Http(await city.TokenAsync("citizen"));
        var created = await (await http.PostJsonAsync("/api/incidents", Sample.Report(category, "Reported in a partner city"))).JsonAsync(HttpStatusCode.Created);
        return created.Str("id");
    }

    internal static async Task<IReadOnlyList<long>> OutboxSeqsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT seq FROM collab_event_log WHERE stream = @stream ORDER BY seq", connection);
        command.Parameters.AddWithValue("stream", Outbox);
        var seqs = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) seqs.Add(reader.GetInt64(0));
        return seqs;
    }
}
