using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Collab.Silo.Persistence;
using Collab.Tests.City;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Persistence;

/// <summary>
/// A city changes its category list: incidents stored under a code it no longer lists still read,
/// everywhere (REST, the neighbourhood feed, Open311), on real PostgreSQL across a restart.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CategoryChangeTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AnIncidentOfACodeNoLongerListedStillReadsAsItselfHandledByPoliceAndBlurredAsSensitive()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);
        var before = CityCategoryTests.NightlifeCity();
        var after = new Dictionary<string, string?>
        {
            ["Collab:City:Categories:0:Code"] = "potholes",
            ["Collab:City:Categories:0:CouncilConcern"] = "true",
            ["Collab:City:Categories:0:Names:en"] = "Potholes",
        };

        string id;
        string citizenToken;
        using (var silo = hosts.BuildSilo(Merge(hosts.Settings(), before)))
        {
            await silo.StartAsync();
            var (gateway, url) = await hosts.StartGatewayAsync(before);
            citizenToken = await TokenAsync(url, "citizen-" + Guid.NewGuid().ToString("N"), "citizen");
            using var citizen = Http(url, citizenToken);
            var created = await (await citizen.PostJsonAsync("/api/incidents", Sample.Report(category: "graffiti"), "graffiti-1")).JsonAsync(HttpStatusCode.Created);
            id = created.Str("id");
            Assert.Equal("Graffiti", created.Str("categoryName"));
            Assert.Equal(158, created.GetProperty("location").GetProperty("accuracyM").GetDouble());
            await gateway.StopAsync();
            await gateway.DisposeAsync();
            await silo.StopAsync();
        }

        using (var silo = hosts.BuildSilo(Merge(hosts.Settings(), after)))
        {
            await silo.StartAsync();
            var (gateway, url) = await hosts.StartGatewayAsync(after);
            try
            {
                var police = Http(url, await TokenAsync(url, "police-" + Guid.NewGuid().ToString("N"), "police"));
                var council = Http(url, await TokenAsync(url, "council-" + Guid.NewGuid().ToString("N"), "council"));
                using var citizen = Http(url, citizenToken);

                // Still readable, as itself: the code, named by its code now that nothing names it.
                var seen = await (await police.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
                Assert.Equal("graffiti", seen.Str("category"));
                Assert.Equal("graffiti", seen.Str("categoryName"));
                var own = await (await citizen.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
                Assert.True(own.GetProperty("isOwnReport").GetBoolean());
                Assert.Equal("graffiti", own.Str("category"));

                // The retried report answers the stored incident rather than refusing an unknown code.
                var retried = await (await citizen.PostJsonAsync("/api/incidents", Sample.Report(category: "graffiti"), "graffiti-1")).JsonAsync(HttpStatusCode.Created);
                Assert.Equal(id, retried.Str("id"));
                await (await citizen.PostJsonAsync("/api/incidents", Sample.Report(category: "graffiti"), "graffiti-2")).ProblemAsync(HttpStatusCode.BadRequest, "unknown-category");

                // Nothing says the council may act on it or that its place is not sensitive: police handle it, the public sees the coarse grid.
                await (await council.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" })).ProblemAsync(HttpStatusCode.Forbidden, "not-council-category");
                await (await police.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" })).JsonAsync(HttpStatusCode.OK);
                using var anonymous = new HttpClient { BaseAddress = url };
                var feed = JsonDocument.Parse(await (await anonymous.GetAsync("/api/neighbourhoods/centrum/incidents.geojson")).Content.ReadAsStringAsync()).RootElement;
                var feature = feed.GetProperty("features").EnumerateArray().Single(f => f.Str("id") == id).GetProperty("properties");
                Assert.Equal("graffiti", feature.Str("categoryName"));
                Assert.Equal(790, feature.GetProperty("accuracyM").GetDouble());
                var open311 = JsonDocument.Parse(await (await anonymous.GetAsync($"/open311/v2/requests/{id}.json")).Content.ReadAsStringAsync()).RootElement[0];
                Assert.Equal("graffiti", open311.Str("service_code"));
                Assert.Equal("Police", open311.Str("agency_responsible"));
                var events = await (await police.GetAsync($"/api/incidents/{id}/events")).JsonAsync(HttpStatusCode.OK);
                Assert.Equal(2, events.GetProperty("events").GetArrayLength());
            }
            finally
            {
                await gateway.StopAsync();
                await gateway.DisposeAsync();
                await silo.StopAsync();
            }
        }
    }

    private static Dictionary<string, string?> Merge(Dictionary<string, string?> a, Dictionary<string, string?> b) =>
        a.Concat(b).ToDictionary(p => p.Key, p => p.Value);

    private static HttpClient Http(Uri url, string token)
    {
        var http = new HttpClient { BaseAddress = url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<string> TokenAsync(Uri url, string sub, string role)
    {
        using var http = new HttpClient { BaseAddress = url };
        var response = await http.PostAsJsonAsync("/dev/token", new { sub, role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["token"];
    }
}
