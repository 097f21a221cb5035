using System.Diagnostics;
using System.Net;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Operations;

/// <summary>
/// A silo process's probes mean what Kubernetes takes them to mean: ready once it is Active in the
/// cluster and its database answers, not ready while the database is down, ready again after, and
/// not ready once it is shutting down; live all along.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloHealthTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ASiloIsReadyWhenItHasJoinedAndReachesItsDatabaseAndNotWhileTheDatabaseIsDownOrItStops()
    {
        // Stopping a shared server would hurt others: then this test brings its own.
        await using var database = await postgres.StoppableDatabaseAsync();
        var (connectionString, stop, start) = (database.ConnectionString, database.Stop, database.Start);
        var hosts = new AdoNetHosts(connectionString);

        using var silo = SiloProcess.Start(hosts);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HealthPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/startup"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/live"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, "/api/incidents"));

        await stop();
        try
        {
            Assert.True(await UntilAsync(http, "/health/ready", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(15)),
                "The silo stayed ready with its database down.");
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/live"));
        }
        finally
        {
            await start();
        }

        Assert.True(await UntilAsync(http, "/health/ready", HttpStatusCode.OK, TimeSpan.FromSeconds(30)),
            $"The silo did not become ready again after the database came back:\n{silo.Output}");

        silo.Terminate();
        var sawNotReady = false;
        var clock = Stopwatch.StartNew();
        while (!silo.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var status = await StatusAsync(http, "/health/ready");
            if (status is HttpStatusCode.ServiceUnavailable or null)
            {
                sawNotReady = true;
                break;
            }

            await Task.Delay(50);
        }

        Assert.True(sawNotReady || silo.HasExited, "The silo still answered ready 30 s after SIGTERM.");
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "The silo did not stop within 60 s of SIGTERM.");
    }

    /// <summary>The probe's status, or null when nothing answers (the process has stopped listening).</summary>
    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<bool> UntilAsync(HttpClient http, string path, HttpStatusCode expected, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (await StatusAsync(http, path) == expected)
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
