using System.Net;
using System.Text.Json;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Collab.Tests.Operations;

namespace Collab.Tests.Federation;

/// <summary><c>GET /federation/v1/status</c> and the <c>collab_federation_*</c> gauges, while a partner is up, down and back.</summary>
[Collection(TwoCitiesCollection.Name)]
public sealed class FederationStatusTests
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OperatorsSeeEachLinksLagOldestUndeliveredErrorsCircuitAndInboundSeqAsStatusAndMetrics()
    {
        await using var cities = await TwoCities.StartAsync();
        await ReportAsync(cities.A, "noise");
        await FederationPostgresTests.PartnerStreamAsync(cities.B, 1, Arrival);

        using var operatorA = cities.A.Http(await cities.A.TokenAsync("operator"));
        var healthy = await UntilAsync(operatorA, p => p.GetProperty("outbound").GetProperty("deliveredThrough").GetInt64() == 1);
        Assert.Equal(("city-b", 0L, "closed"), (healthy.Str("cityId"), healthy.GetProperty("outbound").GetProperty("lag").GetInt64(), healthy.GetProperty("outbound").Str("circuit")));
        Assert.Equal(JsonValueKind.String, healthy.GetProperty("outbound").GetProperty("lastSuccessAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, healthy.GetProperty("outbound").GetProperty("oldestUndeliveredAt").ValueKind);

        // B's inbound side: A's outbox applied through 1.
        using (var operatorB = cities.B.Http(await cities.B.TokenAsync("operator")))
        {
            var inbound = (await UntilAsync(operatorB, p => p.GetProperty("inbound").GetProperty("appliedThrough").GetInt64() == 1)).GetProperty("inbound");
            Assert.Equal(JsonValueKind.String, inbound.GetProperty("epoch").ValueKind);
            Assert.Equal(JsonValueKind.String, inbound.GetProperty("lastAppliedAt").ValueKind);
        }

        // B goes down; two more shared changes wait at A, and A's link fails and opens.
        await cities.B.StopAsync();
        await ReportAsync(cities.A, "vandalism");
        await ReportAsync(cities.A, "noise");
        var down = (await UntilAsync(operatorA, p =>
            p.GetProperty("outbound").GetProperty("lag").GetInt64() == 2 && p.GetProperty("outbound").Str("circuit") != "closed")).GetProperty("outbound");
        Assert.Equal((3L, 1L), (down.GetProperty("head").GetInt64(), down.GetProperty("deliveredThrough").GetInt64()));
        Assert.Equal(JsonValueKind.String, down.GetProperty("lastError").ValueKind);
        Assert.Equal(JsonValueKind.String, down.GetProperty("oldestUndeliveredAt").ValueKind);
        Assert.True(down.GetProperty("oldestUndeliveredAgeSeconds").GetDouble() >= 0);

        // The same at /metrics (refreshed every few seconds).
        var metrics = await UntilMetricsAsync(operatorA, m => m.GetValueOrDefault("collab_federation_outbound_lag{partner=\"city-b\"}") == 2
            && m.GetValueOrDefault("collab_federation_circuit{partner=\"city-b\",state=\"closed\"}", 1) == 0);
        Assert.Equal(1, metrics.GetValueOrDefault("collab_federation_circuit{partner=\"city-b\",state=\"open\"}") + metrics.GetValueOrDefault("collab_federation_circuit{partner=\"city-b\",state=\"half-open\"}"));
        Assert.True(metrics.GetValueOrDefault("collab_federation_outbound_oldest_undelivered_age_seconds{partner=\"city-b\"}") > 0);
        Assert.True(metrics.GetValueOrDefault("collab_federation_outbound_last_error_timestamp_seconds{partner=\"city-b\"}") > 0);
        Assert.True(metrics.GetValueOrDefault("collab_federation_outbound_last_success_timestamp_seconds{partner=\"city-b\"}") > 0);
        Assert.True(metrics.ContainsKey("collab_federation_inbound_applied_through{partner=\"city-b\"}"));

        // B is back: the link catches up and closes.
        await cities.B.StartAsync();
        var back = (await UntilAsync(operatorA, p => p.GetProperty("outbound").GetProperty("lag").GetInt64() == 0, TimeSpan.FromSeconds(90))).GetProperty("outbound");
        Assert.Equal((3L, "closed"), (back.GetProperty("deliveredThrough").GetInt64(), back.Str("circuit")));
        await UntilMetricsAsync(operatorA, m => m.GetValueOrDefault("collab_federation_outbound_lag{partner=\"city-b\"}", -1) == 0
            && m.GetValueOrDefault("collab_federation_circuit{partner=\"city-b\",state=\"closed\"}") == 1);

        // For operators only.
        using var police = cities.A.Http(await cities.A.TokenAsync("police"));
        await (await police.GetAsync("/federation/v1/status")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await cities.A.Http().GetAsync("/federation/v1/status")).StatusCode);
    }

    private static async Task ReportAsync(City city, string category)
    {
        using var http = city.Http(await city.TokenAsync("citizen"));
        (await http.PostJsonAsync("/api/incidents", Sample.Report(category, "Counted by operators"))).EnsureSuccessStatusCode();
    }

    /// <summary>Polls the status until the single partner's entry satisfies <paramref name="done"/>.</summary>
    private static async Task<JsonElement> UntilAsync(HttpClient operatorHttp, Func<JsonElement, bool> done, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? Arrival);
        while (true)
        {
            var status = await (await operatorHttp.GetAsync("/federation/v1/status")).JsonAsync(HttpStatusCode.OK);
            var partner = Assert.Single(status.GetProperty("partners").EnumerateArray());
            if (done(partner)) return partner.Clone();
            Assert.True(DateTime.UtcNow < until, $"The status did not get there: {partner}");
            await Task.Delay(250);
        }
    }

    private static async Task<Dictionary<string, double>> UntilMetricsAsync(HttpClient operatorHttp, Func<Dictionary<string, double>, bool> done)
    {
        var until = DateTime.UtcNow + Arrival;
        while (true)
        {
            var text = await (await operatorHttp.GetAsync("/metrics")).Content.ReadAsStringAsync();
            var series = MetricsTests.Parse(text);
            if (done(series)) return series;
            Assert.True(DateTime.UtcNow < until, $"The metrics did not get there:\n{string.Join('\n', text.Split('\n').Where(l => l.Contains("federation", StringComparison.Ordinal)))}");
            await Task.Delay(500);
        }
    }
}
