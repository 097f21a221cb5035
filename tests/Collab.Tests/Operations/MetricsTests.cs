using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.Tests.Operations;

/// <summary>The <c>Collab</c> meter at <c>/metrics</c>: recorded, moving, and free of ids.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class MetricsTests(GatewayFixture fx)
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
        for (var attempt = 0; attempt < 20 && Delta("collab_commands_total{channel=\"rest\",command=\"ChangeStatus\",outcome=\"refused\"}") < 1; attempt++)
        {
            await Task.Delay(250);
            text = await ScrapeAsync(http);
            after = Parse(text);
        }

        Assert.True(Delta("collab_commands_total{channel=\"rest\",command=\"ReportIncident\",outcome=\"ok\"}") >= 1, text);
        Assert.True(Delta("collab_commands_total{channel=\"hub\",command=\"AddNote\",outcome=\"ok\"}") >= 3, text);
        Assert.True(Delta("collab_commands_total{channel=\"hub\",command=\"ChangeStatus\",outcome=\"refused\"}") >= 1, text);
        Assert.True(Delta("collab_commands_total{channel=\"rest\",command=\"ChangeStatus\",outcome=\"refused\"}") >= 1, text);
        Assert.True(Delta("collab_deliveries_total{audience=\"police\",kind=\"incident\"}") >= 3, text);
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

    /// <summary>Resyncs are counted but this scenario causes none; the exporter only lists a counter once it has a value.</summary>
    private static string ResyncsDeclaredWhenRecorded(Dictionary<string, double> series) =>
        series.Keys.Any(k => k.StartsWith("collab_resyncs_total", StringComparison.Ordinal)) ? "" : "# TYPE collab_resyncs_total counter";

    private static async Task<string> ScrapeAsync(HttpClient http)
    {
        var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Series (name and labels, without OpenTelemetry's own scope labels) to value, summed over what was dropped.</summary>
    internal static Dictionary<string, double> Parse(string text)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in SeriesLine().Matches(text))
        {
            var labels = m.Groups["labels"].Success
                ? string.Join(',', m.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("otel_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                : "";
            var key = labels.Length == 0 ? m.Groups["name"].Value : $"{m.Groups["name"].Value}{{{labels}}}";
            series[key] = series.GetValueOrDefault(key) + double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return series;
    }

    [GeneratedRegex(@"^(?<name>collab_[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)( [0-9]+)?$", RegexOptions.Multiline)]
    private static partial Regex SeriesLine();
}
