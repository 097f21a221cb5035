using System.Globalization;
using System.Net;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.Tests.Operations;

/// <summary>The <c>Collab</c> meter at <c>/metrics</c>: recorded, moving, and free of ids.</summary>
[Collection(GatewayCollection.Name)]
public sealed class MetricsTests(GatewayFixture fx)
{
    [Fact]
    public async Task AfterCommandsAndASubscriptionTheCollabSeriesMove()
    {
        using var http = fx.Http();
        var before = Parse(await ScrapeAsync(http));
        var police = await fx.UserAsync("police");
        using var rest = fx.Http(police.Token);
        var created = await rest.PostJsonAsync("/api/incidents", Sample.Report(description: "Metrics: a report"), $"metrics-{Guid.NewGuid():N}");
        var id = (await created.JsonAsync(HttpStatusCode.Created)).Str("id");

        await using var live = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        await live.SubscribeAsync($"incident:{id}", 0);
        await live.NextAsync($"incident:{id}");
        for (var i = 0; i < 3; i++)
        {
            await live.Connection.InvokeAsync<object>("AddNote", id, new { text = $"note {i}", visibility = "police" }, null);
            await live.NextAsync($"incident:{id}");
        }

        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() =>
            live.Connection.InvokeAsync<object>("ChangeStatus", id, new { status = "closed" }, null));
        var refused = await rest.PostJsonAsync($"/api/incidents/{id}/status", new { status = "closed" });
        Assert.InRange((int)refused.StatusCode, 400, 499);

        // The exporter answers from a cache for a moment after each scrape: wait for a fresh one.
        var text = await ScrapeAsync(http);
        var after = Parse(text);
        double Delta(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
        for (var attempt = 0; attempt < 20 && Delta("collab_commands_total{channel=\"rest\",command=\"ChangeStatus\",exercise=\"false\",outcome=\"refused\"}") < 1; attempt++)
        {
            await Task.Delay(250);
            text = await ScrapeAsync(http);
            after = Parse(text);
        }

        Assert.True(Delta("collab_commands_total{channel=\"rest\",command=\"ReportIncident\",exercise=\"false\",outcome=\"ok\"}") >= 1, text);
        Assert.True(Delta("collab_commands_total{channel=\"hub\",command=\"AddNote\",exercise=\"false\",outcome=\"ok\"}") >= 3, text);
        Assert.True(Delta("collab_commands_total{channel=\"hub\",command=\"ChangeStatus\",exercise=\"false\",outcome=\"refused\"}") >= 1, text);
        Assert.True(Delta("collab_commands_total{channel=\"rest\",command=\"ChangeStatus\",exercise=\"false\",outcome=\"refused\"}") >= 1, text);
        Assert.True(Delta("collab_deliveries_total{audience=\"police\",exercise=\"false\",kind=\"incident\"}") >= 3, text);
        // Three notes pushed live (one batch each) and the report replayed to the late subscriber.
        Assert.True(Delta("collab_fanout_duration_seconds_count{kind=\"incident\"}") >= 3, text);
        Assert.True(Delta("collab_replays_total{kind=\"incident\"}") >= 1, text);
        Assert.True(after.GetValueOrDefault("collab_hub_connections") >= 1, text);
        Assert.True(after.GetValueOrDefault("collab_hub_subscriptions{kind=\"incident\"}") >= 1, text);
        Assert.True(after.GetValueOrDefault("collab_streams_followed{kind=\"incident\"}") >= 1, text);
        Assert.Contains("# TYPE collab_resyncs_total counter", text + ResyncsDeclaredWhenRecorded(after));
        Assert.DoesNotContain(id, text);
        Assert.DoesNotContain(police.Sub, text);
    }

    [Fact]
    public async Task WithAManagementPortMetricsAreServedThereWithoutATokenAndNowhereElse()
    {
        var publicPort = FreePorts.Next();
        var managementPort = FreePorts.Next();
        var (app, url) = await fx.StartGatewayAsync(
            new() { ["Collab:Operations:ManagementPort"] = managementPort.ToString(CultureInfo.InvariantCulture), ["Collab:Operations:PublicMetrics"] = null },
            b => b.WebHost.UseUrls($"http://127.0.0.1:{publicPort}", $"http://127.0.0.1:{managementPort}"),
            environment: "Production");
        try
        {
            using var publicHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{publicPort}") };
            using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}") };
            Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/api/neighbourhoods")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await publicHttp.GetAsync("/metrics")).StatusCode);

            // The Host header is the caller's to choose; the port the request arrived on is not.
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            spoofed.Headers.Host = $"127.0.0.1:{managementPort}";
            Assert.Equal(HttpStatusCode.NotFound, (await publicHttp.SendAsync(spoofed)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await publicHttp.GetAsync("/api/neighbourhoods")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task RefusalsOfTheRateLimiterAreCountedByPolicy()
    {
        var port = FreePorts.Next();
        var (app, url) = await fx.StartGatewayAsync(
            new() { ["Collab:Security:CommandsPerWindow"] = "1" },
            b => b.WebHost.UseUrls($"http://127.0.0.1:{port}"));
        try
        {
            using var http = new HttpClient { BaseAddress = url };
            var before = Parse(await ScrapeAsync(http));
            var police = await fx.UserAsync("police");
            http.DefaultRequestHeaders.Authorization = new("Bearer", police.Token);
            HttpStatusCode last = default;
            for (var i = 0; i < 3 && last != HttpStatusCode.TooManyRequests; i++)
            {
                last = (await http.PostJsonAsync("/api/incidents", Sample.Report(description: "Rate limit"), $"rl-{Guid.NewGuid():N}")).StatusCode;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, last);
            http.DefaultRequestHeaders.Authorization = null;
            const string series = "collab_ratelimit_refusals_total{policy=\"commands\"}";
            var after = Parse(await ScrapeAsync(http));
            for (var attempt = 0; attempt < 20 && after.GetValueOrDefault(series) - before.GetValueOrDefault(series) < 1; attempt++)
            {
                await Task.Delay(250);
                after = Parse(await ScrapeAsync(http));
            }

            Assert.True(after.GetValueOrDefault(series) - before.GetValueOrDefault(series) >= 1, string.Join('\n', after.Keys));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Resyncs are counted but this scenario causes none; the exporter only lists a counter once it has a value.</summary>
    private static string ResyncsDeclaredWhenRecorded(Dictionary<string, double> series) =>
        series.Keys.Any(k => k.StartsWith("collab_resyncs_total", StringComparison.Ordinal)) ? "" : "# TYPE collab_resyncs_total counter";

    private static Task<string> ScrapeAsync(HttpClient http) => MetricsScrape.TextAsync(http);

    internal static Dictionary<string, double> Parse(string text) => MetricsScrape.Parse(text);
}
