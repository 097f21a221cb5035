using System.Net;
using System.Text.Json;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Federation;

/// <summary><c>GET /api/incidents/{id}</c> for an incident a partner city shared: its view, with its origin, as the share allows.</summary>
[Collection(TwoCitiesCollection.Name)]
public sealed class MirroredIncidentTests
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AMirroredIncidentAnswersWithItsOriginAsTheShareAllowsActiveOrNot()
    {
        await using var cities = await TwoCities.StartAsync();
        var shared = await ReportAsync(cities.A, "noise");
        var unshared = await ReportAsync(cities.A, "theft");
        var fromB = await ReportAsync(cities.B, "theft", lon: 4.33);

        // A shares noise in Centrum with B as the public sees it.
        using var policeB = cities.B.Http(await cities.B.TokenAsync("police"));
        var seen = await UntilAsync(policeB, shared, _ => true);
        Assert.Equal((shared, "city-a", "public", true), (seen.Str("id"), seen.Str("origin"), seen.Str("audience"), seen.GetProperty("locationBlurred").GetBoolean()));
        Assert.Equal("Noise", seen.Str("categoryName"));
        using (var citizenB = cities.B.Http(await cities.B.TokenAsync("citizen")))
        {
            Assert.Equal("city-a", (await (await citizenB.GetAsync($"/api/incidents/{shared}")).JsonAsync(HttpStatusCode.OK)).Str("origin"));
        }

        using (var operatorB = cities.B.Http(await cities.B.TokenAsync("operator")))
        {
            await (await operatorB.GetAsync($"/api/incidents/{shared}")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        }

        await (await policeB.GetAsync($"/api/incidents/{unshared}")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");

        // B shares everything with A as authorities: council of A sees the exact location, A's citizens nothing.
        using var councilA = cities.A.Http(await cities.A.TokenAsync("council"));
        var mirrored = await UntilAsync(councilA, fromB, _ => true);
        Assert.Equal(("city-b", "council", false), (mirrored.Str("origin"), mirrored.Str("audience"), mirrored.GetProperty("locationBlurred").GetBoolean()));
        using (var citizenA = cities.A.Http(await cities.A.TokenAsync("citizen")))
        {
            await (await citizenA.GetAsync($"/api/incidents/{fromB}")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        }

        // A's own incident is not a mirrored one: no origin.
        var own = await (await councilA.GetAsync($"/api/incidents/{shared}")).JsonAsync(HttpStatusCode.OK);
        Assert.False(own.TryGetProperty("origin", out _));

        // Resolved at the origin, it leaves the partner's active list but still answers by id.
        foreach (var status in new[] { "acknowledged", "resolved" })
        {
            (await policeB.PostJsonAsync($"/api/incidents/{fromB}/status", new { status })).EnsureSuccessStatusCode();
        }

        var resolved = await UntilAsync(councilA, fromB, i => i.Str("status") == "resolved");
        Assert.Equal("city-b", resolved.Str("origin"));
        var active = await (await councilA.GetAsync("/api/partners/city-b/incidents")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(active.EnumerateArray(), i => i.Str("id") == fromB);
    }

    private static async Task<string> ReportAsync(City city, string category, double lon = 4.2811)
    {
        using var http = city.Http(await city.TokenAsync("citizen"));
        return (await (await http.PostJsonAsync("/api/incidents", Sample.Report(category, "Shared by id", lon: lon))).JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    /// <summary>Polls <c>GET /api/incidents/{id}</c> until it answers 200 with what <paramref name="done"/> waits for.</summary>
    internal static async Task<JsonElement> UntilAsync(HttpClient http, string id, Func<JsonElement, bool> done)
    {
        var until = DateTime.UtcNow + Arrival;
        while (true)
        {
            using var response = await http.GetAsync($"/api/incidents/{id}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await response.JsonAsync(HttpStatusCode.OK);
                if (done(body)) return body;
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }

            Assert.True(DateTime.UtcNow < until, $"Incident {id} did not arrive as expected within {Arrival}.");
            await Task.Delay(200);
        }
    }
}
