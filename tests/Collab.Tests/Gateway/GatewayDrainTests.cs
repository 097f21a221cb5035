using System.Diagnostics;
using System.Net;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>A gateway that stops drains: readiness fails, clients are told to reconnect elsewhere, new ones are refused.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayDrainTests(GatewayFixture fx)
{
    private const int MaxReconnectDelayMs = 2_000;

    [Fact]
    public async Task AStoppingGatewayTellsEachClientToReconnectRefusesNewOnesAndStopsOnceTheyLeave()
    {
        var drain = TimeSpan.FromSeconds(15);
        var (app, url) = await fx.StartGatewayAsync(Settings(drain));
        var police = await fx.UserAsync("police");
        var id = (await (await fx.Http(police.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var stream = $"incident:{id}";
        var clients = new List<LiveClient>();
        for (var i = 0; i < 6; i++)
        {
            var client = await LiveClient.ConnectAsync(url, police.Token, messagePack: i % 2 == 1);
            await client.SubscribeAsync(stream, afterSeq: 0);
            await client.NextAsync(stream, "incident.reported");
            clients.Add(client);
        }

        using var http = new HttpClient { BaseAddress = url };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        // The meter is the process's: read it on the fixture's gateway, which stays up.
        using var metrics = fx.Http();
        const string told = "collab_drain_reconnects_total";
        var before = MetricsScrape.Parse(await MetricsScrape.TextAsync(metrics)).GetValueOrDefault(told);

        var clock = Stopwatch.StartNew();
        // As on SIGTERM: ApplicationStopping fires first (SignalR closes its connections from it), then the host stops.
        var stopping = Task.Run(async () =>
        {
            app.Lifetime.StopApplication();
            await app.StopAsync();
        });
        try
        {
            foreach (var client in clients)
            {
                var notice = await client.NextReconnectAsync(TimeSpan.FromSeconds(5));
                Assert.InRange(notice.AfterMs, 0, MaxReconnectDelayMs);
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

            var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/collab/negotiate?negotiateVersion=1");
            negotiate.Headers.Authorization = new("Bearer", police.Token);
            var refused = await http.SendAsync(negotiate);
            await refused.ProblemAsync(HttpStatusCode.ServiceUnavailable, "draining");
            Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);
            await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(url, police.Token));
            Assert.False(stopping.IsCompleted, "The gateway stopped while its clients were still on it.");
            var after = await MetricsScrape.UntilAsync(metrics, m => m.GetValueOrDefault(told) - before >= clients.Count);
            Assert.True(after.GetValueOrDefault(told) - before >= clients.Count, $"{told} moved by {after.GetValueOrDefault(told) - before}.");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        var left = clock.Elapsed;
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < left + TimeSpan.FromSeconds(5), $"The stop took {(clock.Elapsed - left).TotalSeconds:0.0} s after the last client left.");
        Assert.True(clock.Elapsed < drain, $"The drain did not end early: {clock.Elapsed.TotalSeconds:0.0} s.");
        await app.DisposeAsync();
    }

    [Fact]
    public async Task AClientThatStaysDoesNotHoldTheStopPastTheDrain()
    {
        var drain = TimeSpan.FromSeconds(3);
        var (app, url) = await fx.StartGatewayAsync(Settings(drain));
        var citizen = await fx.UserAsync("citizen");
        await using var stays = await LiveClient.ConnectAsync(url, citizen.Token);
        await stays.SubscribeAsync("neighbourhood:havenkwartier");

        var clock = Stopwatch.StartNew();
        var stopping = app.StopAsync();
        Assert.InRange((await stays.NextReconnectAsync(TimeSpan.FromSeconds(5))).AfterMs, 0, MaxReconnectDelayMs);
        await stopping.WaitAsync(drain + TimeSpan.FromSeconds(10));
        Assert.InRange(clock.Elapsed, drain - TimeSpan.FromMilliseconds(200), drain + TimeSpan.FromSeconds(5));
        await app.DisposeAsync();
    }

    private static Dictionary<string, string?> Settings(TimeSpan drain) => new()
    {
        ["Collab:Shutdown:Drain"] = drain.ToString(),
        ["Collab:Shutdown:MaxReconnectDelayMs"] = MaxReconnectDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
