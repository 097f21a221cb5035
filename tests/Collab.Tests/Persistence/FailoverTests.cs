using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Silo.Persistence;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Npgsql;

namespace Collab.Tests.Persistence;

/// <summary>Two silo processes under steady traffic; one is killed with SIGKILL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FailoverTests(PostgresFixture postgres)
{
    private const int Incidents = 6;
    private const int NotesPerIncident = 12;

    [Fact]
    public async Task AfterASiloIsKilledEveryAcknowledgedEventIsLoggedAndSubscribersSeeNoGapOrDuplicate()
    {
        var budget = Stopwatch.StartNew();
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);

        using var victim = SiloProcess.Start(hosts);
        using var survivor = SiloProcess.Start(hosts);
        await UntilAsync(
            async () => !victim.HasExited && !survivor.HasExited && await ActiveSilosAsync(hosts) == 2,
            TimeSpan.FromSeconds(40),
            () => victim.Output + survivor.Output);
        var (gateway, url) = await hosts.StartGatewayAsync(new() { ["Collab:Cluster:ResponseTimeout"] = SiloProcess.FailoverResponseTimeout });
        try
        {
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(40) };
            var token = await FailoverCommands.PoliceTokenAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await using var live = await LiveClient.ConnectAsync(url, token);

            var ids = new List<string>();
            for (var i = 0; i < Incidents; i++)
            {
                var created = (await FailoverCommands.SendAsync(http, "/api/incidents", Sample.Report(description: $"Incident {i}"), $"report-{i}")).Response;
                ids.Add((await created.JsonAsync(HttpStatusCode.Created)).Str("id"));
            }

            foreach (var id in ids)
            {
                await live.SubscribeAsync($"incident:{id}", 0);
            }

            // Steady traffic: a note after another on every incident; each retried with its key until
            // acknowledged. The victim dies a third of the way through.
            var acknowledged = new ConcurrentDictionary<string, ConcurrentBag<string>>();
            var done = 0;
            var killed = new TaskCompletionSource();
            var traffic = ids.Select(id => Task.Run(async () =>
            {
                for (var n = 0; n < NotesPerIncident; n++)
                {
                    var text = $"note {n} on {id}";
                    await FailoverCommands.SendAsync(http, $"/api/incidents/{id}/notes", new { text, visibility = "public" }, $"note-{id}-{n}");
                    acknowledged.GetOrAdd(id, _ => []).Add(text);
                    if (Interlocked.Increment(ref done) == Incidents * NotesPerIncident / 3)
                    {
                        victim.Kill();
                        killed.SetResult();
                    }
                }
            })).ToList();
            await Task.WhenAll(traffic);
            Assert.True(killed.Task.IsCompleted);
            Assert.False(survivor.HasExited, survivor.Output);

            // Every acknowledged note is in the log, once.
            foreach (var id in ids)
            {
                var logged = await FailoverCommands.LoggedNotesAsync(connectionString, id);
                Assert.Equal(acknowledged[id].Order(), logged.Order());
            }

            // The subscriber, having resumed (re-subscribing with its last seq if it must), holds
            // every event of every stream exactly once and in order.
            foreach (var id in ids)
            {
                var stream = $"incident:{id}";
                var head = 1 + NotesPerIncident;
                var seen = new List<long>();
                var resubscribed = false;
                while (seen.Count == 0 || seen[^1] < head)
                {
                    try
                    {
                        seen.Add((await live.NextAsync(stream, TimeSpan.FromSeconds(5))).Seq);
                    }
                    catch (TimeoutException) when (!resubscribed)
                    {
                        resubscribed = true;
                        await live.SubscribeAsync(stream, seen.Count == 0 ? 0 : seen[^1]);
                    }
                }

                Assert.Equal(Enumerable.Range(1, head).Select(s => (long)s), seen);
            }

            await live.AssertQuietAsync($"incident:{ids[0]}", TimeSpan.FromMilliseconds(300));

            // The survivor declared the victim dead in the table, so no one routes to it any more.
            await UntilAsync(async () => await SiloStatusAsync(hosts, victim.SiloPort) == 6, TimeSpan.FromSeconds(20), () => survivor.Output);
            Assert.True(budget.Elapsed < TimeSpan.FromSeconds(90), $"The failover test took {budget.Elapsed}.");
        }
        finally
        {
            await gateway.StopAsync();
            await gateway.DisposeAsync();
        }
    }

    private static async Task<long> ActiveSilosAsync(AdoNetHosts hosts)
    {
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_membership WHERE deployment_id = @cluster AND status = 3", connection);
        command.Parameters.AddWithValue("cluster", hosts.ClusterId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int?> SiloStatusAsync(AdoNetHosts hosts, int siloPort)
    {
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status FROM orleans_membership WHERE deployment_id = @cluster AND port = @port", connection);
        command.Parameters.AddWithValue("cluster", hosts.ClusterId);
        command.Parameters.AddWithValue("port", siloPort);
        return (int?)await command.ExecuteScalarAsync();
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"Condition not met within {timeout}. {diagnostics()}");
            await Task.Delay(200);
        }
    }
}
