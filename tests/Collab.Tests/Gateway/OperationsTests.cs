using System.Net;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>Health, OpenAPI, and what a production-configured gateway refuses to serve.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OperationsTests(GatewayFixture fx)
{
    [Theory]
    [InlineData("/health/startup")]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task HealthEndpointsAnswerWithoutAToken(string path)
    {
        using var http = fx.Http();
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MetricsAreServedInPrometheusTextFormat()
    {
        using var http = fx.Http();
        await http.GetAsync("/api/neighbourhoods");
        var citizen = await fx.UserAsync("citizen");
        await using (var client = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token))
        {
            await client.SubscribeAsync("me");
        }

        string text = "";
        for (var attempt = 0; attempt < 20 && !text.Contains("http_server_request_duration", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250);
            var response = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
            text = await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        Assert.Contains("signalr_server", text);
        Assert.Contains("kestrel_active_connections", text);
        Assert.DoesNotContain(citizen.Sub, text);

        // Not the frameworks' per-request and per-buffer meters: the request duration and Collab's own counters say it.
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", text);
        Assert.DoesNotContain("aspnetcore_authorization_attempts", text);
        Assert.DoesNotContain("aspnetcore_authentication_", text);
        Assert.DoesNotContain("aspnetcore_rate_limiting_", text);
        Assert.DoesNotContain("aspnetcore_memory_pool_", text);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheRestApi()
    {
        using var http = fx.Http();
        var doc = await (await http.GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/incidents", "/api/incidents/{id}", "/api/incidents/{id}/events", "/api/incidents/{id}/notes",
                     "/api/incidents/{id}/status", "/api/incidents/{id}/assign", "/api/incidents/{id}/moderation",
                     "/api/neighbourhoods", "/api/neighbourhoods/{slug}", "/api/neighbourhoods/{slug}/incidents.geojson", "/api/me", "/api/me/follows" })
        {
            Assert.True(paths.TryGetProperty(path, out _) || paths.TryGetProperty(path + "/", out _), $"OpenAPI lacks {path}");
        }
    }

    [Fact]
    public async Task WithoutDevTokensThereIsNoTokenEndpointAndOnlyConfiguredKeysAreAccepted()
    {
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Auth:DevTokens"] = "false" });
        try
        {
            using var http = new HttpClient { BaseAddress = url };
            await (await http.PostJsonAsync("/dev/token", new { sub = "x", role = "police" })).ProblemAsync(HttpStatusCode.NotFound);

            // Tokens signed with the configured key (here: minted by another gateway sharing it) still work.
            var citizen = await fx.UserAsync("citizen");
            http.DefaultRequestHeaders.Authorization = new("Bearer", citizen.Token);
            await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task GeoJsonFeedIsAFeatureCollectionOfTheCallersView()
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var id = (await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report("fire", "Bin on fire", lat: 52.0901, lon: 4.2801))).JsonAsync(HttpStatusCode.Created)).Str("id");

        var anonymous = await fx.Http().GetAsync("/api/neighbourhoods/parkwijk/incidents.geojson");
        Assert.Equal("application/geo+json", anonymous.Content.Headers.ContentType?.MediaType);
        var pub = await anonymous.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("FeatureCollection", pub.Str("type"));
        var feature = pub.GetProperty("features").EnumerateArray().Single(f => f.Str("id") == id);
        Assert.Equal("Point", feature.GetProperty("geometry").Str("type"));
        Assert.True(feature.GetProperty("properties").GetProperty("locationBlurred").GetBoolean());

        var exact = await (await fx.Http(police.Token).GetAsync("/api/neighbourhoods/parkwijk/incidents.geojson")).JsonAsync(HttpStatusCode.OK);
        var coordinates = exact.GetProperty("features").EnumerateArray().Single(f => f.Str("id") == id).GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal(4.2801, coordinates[0].GetDouble());
        Assert.Equal(52.0901, coordinates[1].GetDouble());
    }
}
