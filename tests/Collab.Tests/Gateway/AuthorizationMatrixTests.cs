using System.Net;
using System.Text.Json;
using Collab.Gateway.Realtime;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Gateway;

/// <summary>
/// Every REST endpoint and hub method × every kind of caller, with the expected answer. A new
/// endpoint or hub method without a row here fails <see cref="EveryEndpointAndHubMethodHasARow"/>.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorizationMatrixTests(GatewayFixture fx)
{
    /// <summary>Anonymous, the citizen who owns the object, another citizen, council, police, operator, researcher.</summary>
    public enum Caller { Anonymous, Owner, OtherCitizen, Council, Police, Operator, Researcher }

    private const int Unauthorized = 401, Forbidden = 403;

    /// <summary>(method, route pattern) → expected status per caller, in <see cref="Caller"/> order.</summary>
    private static readonly Dictionary<(string Method, string Route), int[]> Rest = new()
    {
        [("POST", "/api/incidents/")] = [Unauthorized, 201, 201, 201, 201, Forbidden, Forbidden],
        [("GET", "/api/incidents/{id}")] = [Unauthorized, 200, 200, 200, 200, 200, Forbidden],
        [("GET", "/api/incidents/{id}/events")] = [Unauthorized, 200, 200, 200, 200, 200, Forbidden],
        [("POST", "/api/incidents/{id}/notes")] = [Unauthorized, 200, Forbidden, 200, 200, Forbidden, Forbidden],
        [("POST", "/api/incidents/{id}/status")] = [Unauthorized, Forbidden, Forbidden, Forbidden, 200, Forbidden, Forbidden],
        [("POST", "/api/incidents/{id}/assign")] = [Unauthorized, Forbidden, Forbidden, Forbidden, 200, Forbidden, Forbidden],
        [("POST", "/api/incidents/{id}/moderation")] = [Unauthorized, Forbidden, Forbidden, 200, 200, Forbidden, Forbidden],
        [("POST", "/api/incidents/{id}/flags")] = [Unauthorized, 200, 200, Forbidden, Forbidden, Forbidden, Forbidden],
        [("GET", "/api/incidents/{id}/reporter")] = [Unauthorized, Forbidden, Forbidden, Forbidden, 200, Forbidden, Forbidden],
        [("GET", "/api/incidents/{id}/audit")] = [Unauthorized, Forbidden, Forbidden, Forbidden, 200, 200, Forbidden],
        [("GET", "/api/neighbourhoods/")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/api/neighbourhoods/{slug}")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/api/neighbourhoods/{slug}/incidents.geojson")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/api/me/")] = [Unauthorized, 200, 200, Forbidden, Forbidden, Forbidden, Forbidden],
        [("PUT", "/api/me/")] = [Unauthorized, 200, 200, Forbidden, Forbidden, Forbidden, Forbidden],
        [("PUT", "/api/me/follows")] = [Unauthorized, 200, 200, Forbidden, Forbidden, Forbidden, Forbidden],
        [("DELETE", "/api/me/")] = [Unauthorized, 204, 204, Forbidden, Forbidden, Forbidden, Forbidden],
        [("POST", "/api/neighbourhoods/{slug}/alerts")] = [Unauthorized, Forbidden, Forbidden, 201, 201, Forbidden, Forbidden],
        [("GET", "/api/alerts/{id}")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/api/alerts/{id}/cap")] = [200, 200, 200, 200, 200, 200, 200],
        [("POST", "/api/operator/revocations")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, 200, Forbidden],
        [("GET", "/api/operator/status")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, 200, Forbidden],
        // The browser console's sign-in settings: before anyone has signed in.
        [("GET", "/console/config.json")] = [200, 200, 200, 200, 200, 200, 200],
        [("POST", "/dev/token")] = [200, 200, 200, 200, 200, 200, 200],
        [("*", "/health/startup")] = [200, 200, 200, 200, 200, 200, 200],
        [("*", "/health/ready")] = [200, 200, 200, 200, 200, 200, 200],
        [("*", "/health/live")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/openapi/{documentName}.json")] = [200, 200, 200, 200, 200, 200, 200],
        [("*", "/metrics")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/open311/v2/discovery.{format}")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/open311/v2/services.{format}")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/open311/v2/services/{code}.{format}")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/open311/v2/requests.{format}")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/open311/v2/requests/{id}.{format}")] = [200, 200, 200, 200, 200, 200, 200],
        [("GET", "/open311/v2/tokens/{token}.{format}")] = [200, 200, 200, 200, 200, 200, 200],
        // Any other path under Open311, whatever the method: the standard's 404 error array.
        [("*", "/open311/v2/{**rest}")] = [404, 404, 404, 404, 404, 404, 404],
        // Open311 clients authenticate with an api_key, not a token: without one, nobody may post.
        [("POST", "/open311/v2/requests.{format}")] = [Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        // Between cities: public keys for anyone; batches only with a partner's signature, never a user's token.
        [("GET", "/federation/v1/keys")] = [200, 200, 200, 200, 200, 200, 200],
        [("POST", "/federation/v1/events")] = [Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized],
        [("GET", "/federation/v1/streams/{cityId}")] = [Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized],
        [("POST", "/federation/v1/incidents/{id}/notes")] = [Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized],
        // For this city's operators: each partner's links (none here).
        [("GET", "/federation/v1/status")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, 200, Forbidden],
        [("GET", "/api/partners/")] = [Unauthorized, Forbidden, Forbidden, 200, 200, 200, Forbidden],
        // This gateway has no partners: whoever may read a partner's incidents learns there is no such partner.
        [("GET", "/api/partners/{cityId}/incidents")] = [Unauthorized, 404, 404, 404, 404, Forbidden, Forbidden],
        // Researchers read aggregates and nothing else; nobody else reads these.
        [("GET", "/api/research/cells")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, 200],
        [("GET", "/api/research/cells.csv")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, 200],
        [("GET", "/api/research/neighbourhoods.geojson")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, 200],
        // Training exercises: trainees (council, police) read one (none has this id); everything else is for
        // trainers, police whose token carries the trainer claim, which none of these callers has (ExerciseTests covers trainers).
        [("GET", "/api/exercises/{id}")] = [Unauthorized, Forbidden, Forbidden, 404, 404, Forbidden, Forbidden],
        // The city's exercises, for trainees to pick one: the same callers as one exercise.
        [("GET", "/api/exercises/")] = [Unauthorized, Forbidden, Forbidden, 200, 200, Forbidden, Forbidden],
        [("POST", "/api/exercises/")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        [("POST", "/api/exercises/{id}/pause")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        [("POST", "/api/exercises/{id}/resume")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        [("POST", "/api/exercises/{id}/stop")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        [("DELETE", "/api/exercises/{id}")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        [("GET", "/api/exercises/{id}/debrief")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        [("GET", "/api/exercises/{id}/debrief.csv")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        [("GET", "/api/exercises/{id}/responses.csv")] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
    };

    /// <summary>Hub method and stream → whether each (authenticated) caller may use it; anonymous callers cannot connect at all.</summary>
    private static readonly Dictionary<(string Method, string Stream), bool[]> Hub = new()
    {
        [("Subscribe", "me")] = [false, true, true, false, false, false],
        [("Subscribe", "incident")] = [false, true, true, true, true, true],
        [("Subscribe", "neighbourhood")] = [false, true, true, true, true, true],
        [("Subscribe", "city")] = [false, true, true, true, true, true],
        // No partner is configured here: FederationTests covers each role on a partner that is.
        [("Subscribe", "partner")] = [false, false, false, false, false, false],
        // A training exercise's progress and injects: its trainees, police and council; never citizens (nor operators).
        [("Subscribe", "exercise")] = [false, false, false, true, true, false],
        [("Unsubscribe", "incident")] = [false, true, true, true, true, true],
        // Hub commands: the same rules as their REST twins.
        [("Report", "incident")] = [false, true, true, true, true, false],
        [("AddNote", "incident")] = [false, true, false, true, true, false],
        // The hub cells' incident is vandalism, which council handles too (the REST cells' theft is police-only).
        [("ChangeStatus", "incident")] = [false, false, false, true, true, false],
        [("Assign", "incident")] = [false, false, false, false, true, false],
    };

    public static TheoryData<string, string, Caller> RestCells()
    {
        var data = new TheoryData<string, string, Caller>();
        foreach (var (method, route) in Rest.Keys)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(method, route, caller);
            }
        }

        return data;
    }

    public static TheoryData<string, string, Caller> HubCells()
    {
        var data = new TheoryData<string, string, Caller>();
        foreach (var (method, stream) in Hub.Keys)
        {
            // Researchers cannot connect to the hub at all (ResearchersCannotConnectToTheHub).
            foreach (var caller in Enum.GetValues<Caller>().Where(c => c is not (Caller.Anonymous or Caller.Researcher)))
            {
                data.Add(method, stream, caller);
            }
        }

        return data;
    }

    private static readonly object SampleAlert = new { headline = "Pickpockets", description = "Watch your bags near the station", severity = "Moderate", urgency = "Expected", certainty = "Likely" };

    [Fact]
    public void EveryEndpointAndHubMethodHasARow()
    {
        var endpoints = fx.ServicesA.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HubMetadata>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .ToHashSet();
        Assert.Empty(endpoints.Except(Rest.Keys).Select(e => $"{e.Item1} {e.Item2}"));
        Assert.Empty(Rest.Keys.Except(endpoints).Select(e => $"{e.Item1} {e.Item2}"));

        var hubMethods = typeof(CollabHub).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not (nameof(Microsoft.AspNetCore.SignalR.Hub.OnConnectedAsync) or nameof(Microsoft.AspNetCore.SignalR.Hub.OnDisconnectedAsync)))
            .Select(m => m.Name).ToHashSet();
        Assert.Equal(hubMethods.Order(), Hub.Keys.Select(k => k.Method).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(RestCells))]
    public async Task RestEndpointAnswersAsTheMatrixSays(string method, string route, Caller caller)
    {
        var expected = Rest[(method, route)][(int)caller];
        var owner = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var me = caller switch
        {
            Caller.Anonymous => null,
            Caller.Owner => owner,
            Caller.OtherCitizen => await fx.UserAsync("citizen"),
            Caller.Council => await fx.UserAsync("council"),
            Caller.Police => police,
            Caller.Researcher => await fx.UserAsync("researcher"),
            _ => await fx.UserAsync("operator"),
        };

        // A fresh incident of the owner's, with one public note, for every cell.
        using var ownerHttp = fx.Http(owner.Token);
        var id = (await (await ownerHttp.PostJsonAsync("/api/incidents", Sample.Report("theft", "Bike stolen"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        var noteId = (await (await fx.Http(police.Token).PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Public note", visibility = "public" })).JsonAsync(HttpStatusCode.OK))
            .GetProperty("notes")[0].Str("eventId");

        if (route.StartsWith("/api/alerts/", StringComparison.Ordinal))
        {
            var council = await fx.UserAsync("council");
            id = (await (await fx.Http(council.Token).PostJsonAsync("/api/neighbourhoods/centrum/alerts", SampleAlert)).JsonAsync(HttpStatusCode.Created)).Str("id");
        }

        var path = route.Replace("{id}", id).Replace("{slug}", "centrum").Replace("{documentName}", "v1").Replace("{format}", "json").Replace("{code}", "noise").Replace("{cityId}", "nowhere").Replace("{token}", id);
        object? body = (method, route) switch
        {
            ("POST", "/api/incidents/") => Sample.Report(),
            ("POST", "/api/incidents/{id}/notes") => new { text = "A note", visibility = "public" },
            ("POST", "/api/incidents/{id}/status") => new { status = "acknowledged" },
            ("POST", "/api/incidents/{id}/assign") => new { unit = "Unit 1" },
            ("POST", "/api/incidents/{id}/moderation") => new { eventId = noteId, action = "hide", reason = "test" },
            ("POST", "/api/incidents/{id}/flags") => new { eventId = noteId },
            ("PUT", "/api/me/") => new { displayName = "Someone", language = "nl" },
            ("PUT", "/api/me/follows") => new[] { "centrum" },
            ("POST", "/api/neighbourhoods/{slug}/alerts") => SampleAlert,
            ("POST", "/api/operator/revocations") => new { sub = $"nobody-{Guid.NewGuid():N}" },
            ("POST", "/dev/token") => new { sub = "someone", role = "citizen" },
            ("POST", "/federation/v1/incidents/{id}/notes") => new { id = "note-1", text = "A partner's note", language = "en" },
            ("POST", "/federation/v1/events") => new { origin = "nowhere", epoch = "e", audience = "public", retainedFrom = 1, events = Array.Empty<object>() },
            _ => null,
        };
        if (route == "/api/incidents/{id}/reporter")
        {
            path += "?reason=matrix";
        }

        if (route.StartsWith("/api/research/", StringComparison.Ordinal))
        {
            var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            path += $"?from={today}&to={today}";
        }

        using var http = fx.Http(me?.Token);
        using var request = new HttpRequestMessage(new HttpMethod(method == "*" ? "GET" : method), path);
        if (body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body, body.GetType());
        }

        var response = await http.SendAsync(request);
        Assert.True((int)response.StatusCode == expected, $"{caller} {method} {route}: expected {expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (expected >= 400)
        {
            // Open311 answers errors in its own format, as its standard says.
            Assert.Equal(route.StartsWith("/open311", StringComparison.Ordinal) ? "application/json" : "application/problem+json", response.Content.Headers.ContentType?.MediaType);
            // A refused command changed nothing.
            var events = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(2, events.GetProperty("head").GetInt64());
        }
    }

    [Theory]
    [MemberData(nameof(HubCells))]
    public async Task HubMethodAnswersAsTheMatrixSays(string method, string stream, Caller caller)
    {
        var allowed = Hub[(method, stream)][(int)caller];
        var owner = await fx.UserAsync("citizen");
        var me = caller switch
        {
            Caller.Owner => owner,
            Caller.OtherCitizen => await fx.UserAsync("citizen"),
            Caller.Council => await fx.UserAsync("council"),
            Caller.Police => await fx.UserAsync("police"),
            _ => await fx.UserAsync("operator"),
        };
        var id = (await (await fx.Http(owner.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var name = stream switch
        {
            "incident" => $"incident:{id}",
            "exercise" => $"exercise:{await StartExerciseAsync()}",
            "neighbourhood" => "neighbourhood:centrum",
            "partner" => "partner:nowhere",
            _ => stream,
        };

        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, me.Token);
        Task call = method switch
        {
            "Subscribe" => client.SubscribeAsync(name),
            "Unsubscribe" => client.UnsubscribeAsync(name),
            "Report" => client.Connection.InvokeAsync<JsonElement>("Report", Sample.Report(), null),
            "AddNote" => client.Connection.InvokeAsync<JsonElement>("AddNote", id, new { text = "A note", visibility = "public" }, null),
            "ChangeStatus" => client.Connection.InvokeAsync<JsonElement>("ChangeStatus", id, new { status = "acknowledged" }, null),
            "Assign" => client.Connection.InvokeAsync<JsonElement>("Assign", id, new { unit = "Unit 1" }, null),
            _ => throw new InvalidOperationException($"No way to call hub method '{method}'."),
        };
        if (allowed)
        {
            await call;
        }
        else
        {
            await Assert.ThrowsAsync<HubException>(() => call);
            // A refused command changed nothing.
            var police = await fx.UserAsync("police");
            var events = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(1, events.GetProperty("head").GetInt64());
        }
    }

    /// <summary>
    /// A hub method's policy is decided once per connection and policy: on one council connection
    /// the police-only command stays refused on every try, while the commands council may use go
    /// through before and after it, and refusals change nothing.
    /// </summary>
    [Fact]
    public async Task OneConnectionKeepsEachPolicysAnswer()
    {
        var owner = await fx.UserAsync("citizen");
        var council = await fx.UserAsync("council");
        var id = (await (await fx.Http(owner.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, council.Token);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<JsonElement>("Assign", id, new { unit = "Unit 1" }, null));
        }

        var noted = await client.Connection.InvokeAsync<JsonElement>("AddNote", id, new { text = "Seen", visibility = "public" }, null);
        Assert.Equal(id, noted.Str("id"));
        await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<JsonElement>("Assign", id, new { unit = "Unit 2" }, null));
        var acknowledged = await client.Connection.InvokeAsync<JsonElement>("ChangeStatus", id, new { status = "acknowledged" }, null);
        Assert.Equal("acknowledged", acknowledged.Str("status"));
        Assert.False(acknowledged.TryGetProperty("assignedUnit", out _));
    }

    /// <summary>A running exercise (its one step an hour away), started by a fresh trainer.</summary>
    private async Task<string> StartExerciseAsync()
    {
        using var trainer = fx.Http(await ExerciseClient.TrainerAsync(fx));
        var scenario = new { name = "Matrix", steps = new[] { new { at = 3600, kind = "inject", text = "Never reached" } } };
        return (await (await trainer.PostJsonAsync("/api/exercises", new { scenario })).JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    [Fact]
    public async Task ResearchersCannotConnectToTheHub()
    {
        var researcher = await fx.UserAsync("researcher");
        using var http = fx.Http(researcher.Token);
        var negotiate = await http.PostAsync("/hubs/collab/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Forbidden, negotiate.StatusCode);
    }

    [Fact]
    public async Task AnonymousCallersCannotConnectToTheHub()
    {
        using var http = fx.Http();
        var negotiate = await http.PostAsync("/hubs/collab/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
    }
}
