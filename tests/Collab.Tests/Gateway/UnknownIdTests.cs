using System.Net;
using System.Text.Json;
using Collab.Incidents;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Gateway;

/// <summary>
/// Ids a client makes up cost no activation: unknown incidents are answered from the directory,
/// anonymous reads are limited per address, and lists of ids are bounded.
/// </summary>
[Collection(MeasuredGatewayCollection.Name)]
public sealed class UnknownIdTests(GatewayFixture fx)
{
    [Fact]
    public async Task UnknownIdsInBulkActivateNoIncidentAndAreAnsweredAsBefore()
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var known = (await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var grains = fx.ServicesA.GetRequiredService<IGrainFactory>();
        var activationsBefore = (await ActiveIncidentsAsync(grains)).Count;
        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        // Open311, anonymous: 2,000 unknown ids, 50 a request, the known one among them.
        using var anonymous = fx.Http();
        for (var i = 0; i < 40; i++)
        {
            var ids = Enumerable.Range(0, 49).Select(_ => Guid.NewGuid().ToString("D")).Append(known);
            var list = await (await anonymous.GetAsync($"/open311/v2/requests.json?service_request_id={string.Join(',', ids)}")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal([known], list.EnumerateArray().Select(r => r.Str("service_request_id")));
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/open311/v2/requests/{Guid.NewGuid():D}.json")).StatusCode);
        }

        // REST with a token: reads and commands on unknown incidents are 404 incident-not-found.
        using var http = fx.Http(police.Token);
        for (var i = 0; i < 20; i++)
        {
            var id = Guid.NewGuid().ToString("D");
            await (await http.GetAsync($"/api/incidents/{id}")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
            await (await http.GetAsync($"/api/incidents/{id}/events")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
            await (await http.GetAsync($"/api/incidents/{id}/audit")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
            await (await http.GetAsync($"/api/incidents/{id}/reporter?reason=check")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
            await (await http.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = "Unit 1" })).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        }

        // The hub: subscribing to and commanding unknown incidents.
        await using var console = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => console.SubscribeAsync($"incident:{Guid.NewGuid():D}", 0));
            var error = await Assert.ThrowsAsync<HubException>(() =>
                console.Connection.InvokeCoreAsync<JsonElement>("Assign", [Guid.NewGuid().ToString("D"), new { unit = "Unit 1" }, null]));
            Assert.Contains("incident-not-found", error.Message, StringComparison.Ordinal);
        }

        var activationsAfter = (await ActiveIncidentsAsync(grains)).Count;
        Assert.True(activationsAfter <= activationsBefore, $"Unknown ids activated incidents: {activationsBefore} before, {activationsAfter} after.");
        var grown = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        Assert.True(grown < 64 * 1024 * 1024, $"The process grew by {grown / 1024 / 1024} MB answering unknown ids.");

        // A known incident still answers everywhere.
        var view = await (await http.GetAsync($"/api/incidents/{known}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(known, view.Str("id"));
        Assert.True((await console.SubscribeAsync($"incident:{known}", 0)).CurrentSeq > 0);
    }

    /// <summary>The incidents active in the cluster now, by id.</summary>
    private static async Task<IReadOnlyList<string>> ActiveIncidentsAsync(IGrainFactory grains)
    {
        var stats = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var incidentType = grains.GetGrain<IIncidentGrain>(Guid.NewGuid().ToString("D")).GetGrainId().Type;
        return stats.Where(s => s.GrainId.Type == incidentType).Select(s => s.GrainId.Key.ToString()!).ToList();
    }

    [Fact]
    public async Task MoreThanFiftyServiceRequestIdsIsABadRequest()
    {
        using var anonymous = fx.Http();
        var fifty = string.Join(',', Enumerable.Range(0, 50).Select(_ => Guid.NewGuid().ToString("D")));
        var list = await (await anonymous.GetAsync($"/open311/v2/requests.json?service_request_id={fifty}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, list.GetArrayLength());

        var fiftyOne = fifty + "," + Guid.NewGuid().ToString("D");
        var response = await anonymous.GetAsync($"/open311/v2/requests.json?service_request_id={fiftyOne}");
        var errors = await response.JsonAsync(HttpStatusCode.BadRequest);
        Assert.Contains("50", errors[0].Str("description"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync($"/open311/v2/requests.xml?service_request_id={fiftyOne}")).StatusCode);
    }

    [Fact]
    public async Task AnonymousReadsAreLimitedPerAddressWithRetryAfter()
    {
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Security:AnonymousReadsPerWindow"] = "5" });
        try
        {
            using var anonymous = new HttpClient { BaseAddress = url };
            string[] paths = ["/open311/v2/services.json", "/api/neighbourhoods", "/open311/v2/requests.json", "/api/neighbourhoods/centrum", $"/api/alerts/{Guid.NewGuid():D}"];
            foreach (var path in paths)
            {
                Assert.NotEqual(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync(path)).StatusCode);
            }

            foreach (var path in paths.Append($"/open311/v2/requests/{Guid.NewGuid():D}.json").Append("/api/neighbourhoods/centrum/incidents.geojson"))
            {
                var refused = await anonymous.GetAsync(path);
                if (path.StartsWith("/open311", StringComparison.Ordinal))
                {
                    // Open311 clients get the standard's error array.
                    Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                    Assert.Equal(429, System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement[0].GetProperty("code").GetInt32());
                }
                else
                {
                    await refused.ProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
                }

                Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{path}: 429 without Retry-After.");
            }

            // A caller with a token is not limited by the anonymous read limit.
            using var withToken = new HttpClient { BaseAddress = url };
            withToken.DefaultRequestHeaders.Authorization = new("Bearer", (await fx.UserAsync("citizen")).Token);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync("/api/neighbourhoods")).StatusCode);
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
