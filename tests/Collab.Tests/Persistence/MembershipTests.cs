using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Silo.Persistence;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Npgsql;

namespace Collab.Tests.Persistence;

/// <summary>Silos joining and leaving through the PostgreSQL membership table while a gateway serves.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MembershipTests(PostgresFixture postgres)
{
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task ASiloJoiningAndLeavingShowsInTheMembershipTableWhileAGatewayKeepsServing()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);
        var firstSettings = hosts.Settings();
        using var first = hosts.BuildSilo(firstSettings);
        await first.StartAsync();
        var (gateway, url) = await hosts.StartGatewayAsync();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(40) };
        var token = await http.PostAsJsonAsync("/dev/token", new { sub = $"police-{Guid.NewGuid():N}", role = "police" });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.JsonAsync(HttpStatusCode.OK)).Str("token"));

        using var stop = new CancellationTokenSource();
        var served = 0;
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                // Reports spread over many grains, so some land on the silo that leaves.
                var created = await RetriedAsync(() => http.PostJsonAsync("/api/incidents", Sample.Report(description: $"Report {i}"), $"report-{i}"));
                var id = (await created.JsonAsync(HttpStatusCode.Created)).Str("id");
                var read = await RetriedAsync(() => http.GetAsync($"/api/incidents/{id}"));
                await read.JsonAsync(HttpStatusCode.OK);
                Interlocked.Increment(ref served);
            }
        });

        try
        {
            await UntilServedAsync(() => served, 5);
            var secondSettings = hosts.Settings();
            var secondPort = int.Parse(secondSettings["Collab:Cluster:SiloPort"]!);
            using var second = hosts.BuildSilo(secondSettings);
            await second.StartAsync();
            Assert.Equal(Active, await StatusAsync(hosts, secondPort));
            Assert.Equal(2L, await CountAsync(hosts, Active));

            var beforeLeaving = served;
            await UntilServedAsync(() => served, beforeLeaving + 20);
            await second.StopAsync();
            Assert.Equal(Dead, await StatusAsync(hosts, secondPort));
            Assert.Equal(Active, await StatusAsync(hosts, int.Parse(firstSettings["Collab:Cluster:SiloPort"]!)));

            var afterLeaving = served;
            await UntilServedAsync(() => served, afterLeaving + 20);
        }
        finally
        {
            await stop.CancelAsync();
            await traffic;
            await gateway.StopAsync();
            await gateway.DisposeAsync();
            await first.StopAsync();
        }
    }

    /// <summary>
    /// A request, repeated (same idempotency key) only while it answers 503 — a call caught by a
    /// silo's shutdown — for at most 10 s; any other failure fails the test.
    /// </summary>
    private static async Task<HttpResponseMessage> RetriedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                return response;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Still 503 after {clock.Elapsed}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(100);
        }
    }

    private static async Task UntilServedAsync(Func<int> served, int target)
    {
        var clock = Stopwatch.StartNew();
        while (served() < target)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"The gateway served {served()} of {target} requests in 20 s.");
            await Task.Delay(50);
        }
    }

    private static async Task<int?> StatusAsync(AdoNetHosts hosts, int siloPort)
    {
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status FROM orleans_membership WHERE deployment_id = @cluster AND port = @port", connection);
        command.Parameters.AddWithValue("cluster", hosts.ClusterId);
        command.Parameters.AddWithValue("port", siloPort);
        return (int?)await command.ExecuteScalarAsync();
    }

    private static async Task<long> CountAsync(AdoNetHosts hosts, int status)
    {
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_membership WHERE deployment_id = @cluster AND status = @status", connection);
        command.Parameters.AddWithValue("cluster", hosts.ClusterId);
        command.Parameters.AddWithValue("status", status);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
