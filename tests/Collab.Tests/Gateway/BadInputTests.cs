using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Tests.Gateway;

/// <summary>Every bad input is a clear problem, and nothing changes.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BadInputTests(GatewayFixture fx)
{
    public static TheoryData<string, string> BadReports => new()
    {
        { """{"category":"vandalism","description":"__LONG__","location":{"lat":52.0712,"lon":4.2811}}""", "description-too-long" },
        { """{"category":"vandalism","description":"","location":{"lat":52.0712,"lon":4.2811}}""", "description-required" },
        { """{"category":"vandalism","description":"x","location":{"lat":95,"lon":4.2811}}""", "latitude-out-of-range" },
        { """{"category":"vandalism","description":"x","location":{"lat":52.07,"lon":-181}}""", "longitude-out-of-range" },
        { """{"category":"vandalism","description":"x","location":{"lat":48.85,"lon":2.35}}""", "outside-city" },
        { """{"category":"vandalism","description":"x"}""", "location-required" },
        { """{"category":"graffiti-art","description":"x","location":{"lat":52.0712,"lon":4.2811}}""", "unknown-category" },
        { """{"category":"vandalism","description":"x","location":{"lat":52.0712,"lon":4.2811},"severity":"apocalyptic"}""", "unknown-severity" },
        { """{"category":"vandalism","description":"x","location":{"lat":52.0712,"lon":4.2811},"language":"not a language"}""", "language-invalid" },
        { """{"category":"vandalism","description":"x","location":{"lat":"north","lon":4.2811}}""", "malformed-request" },
        { """{"category":42,"description":"x","location":{"lat":52.0712,"lon":4.2811}}""", "malformed-request" },
        { """{"category":"vandalism","description":"x","location":""", "malformed-request" },
        { """[1,2,3]""", "malformed-request" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task BadReportIsRefusedAndStoresNothing(string body, string code)
    {
        var citizen = await fx.UserAsync("citizen");
        using var http = fx.Http(citizen.Token);
        var before = await ActiveIncidentCount(http);

        var response = await http.PostRawAsync("/api/incidents", body.Replace("__LONG__", new string('a', 4_001)));
        await response.ProblemAsync(HttpStatusCode.BadRequest, code);

        var me = await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, me.GetProperty("reports").GetArrayLength());
        Assert.Equal(before, await ActiveIncidentCount(http));
    }

    [Fact]
    public async Task OversizedBodyIsRefusedWith413()
    {
        var citizen = await fx.UserAsync("citizen");
        using var http = fx.Http(citizen.Token);
        var huge = """{"category":"vandalism","description":"__HUGE__","location":{"lat":52.0712,"lon":4.2811}}""".Replace("__HUGE__", new string('a', 100_000));
        await (await http.PostRawAsync("/api/incidents", huge)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        var me = await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, me.GetProperty("reports").GetArrayLength());
    }

    [Fact]
    public async Task BadCommandsOnAnIncidentAreRefusedAndAddNothingToItsTimeline()
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var council = await fx.UserAsync("council");
        var stranger = await fx.UserAsync("citizen");
        using var citizenHttp = fx.Http(citizen.Token);
        using var policeHttp = fx.Http(police.Token);
        using var councilHttp = fx.Http(council.Token);
        using var strangerHttp = fx.Http(stranger.Token);
        var id = (await (await citizenHttp.PostJsonAsync("/api/incidents", Sample.Report("theft", "Bike stolen"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        var noteId = (await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "private", visibility = "police" })).JsonAsync(HttpStatusCode.OK))
            .GetProperty("notes")[0].Str("eventId");
        var head = await Head(policeHttp, id);

        var cases = new (HttpClient Http, string Path, object Body, HttpStatusCode Status, string Code)[]
        {
            (policeHttp, "notes", new { text = new string('n', 2_001), visibility = "public" }, HttpStatusCode.BadRequest, "text-too-long"),
            (policeHttp, "notes", new { text = "", visibility = "public" }, HttpStatusCode.BadRequest, "text-required"),
            (policeHttp, "notes", new { text = "hi", visibility = "everyone" }, HttpStatusCode.BadRequest, "unknown-visibility"),
            (citizenHttp, "notes", new { text = "hi", visibility = "police" }, HttpStatusCode.Forbidden, "police-only"),
            (strangerHttp, "notes", new { text = "hi", visibility = "public" }, HttpStatusCode.Forbidden, "not-reporter"),
            (policeHttp, "status", new { status = "teleported" }, HttpStatusCode.BadRequest, "unknown-status"),
            (policeHttp, "status", new { status = "Acknowledged" }, HttpStatusCode.BadRequest, "unknown-status"),
            (policeHttp, "status", new { status = "closed" }, HttpStatusCode.Conflict, "invalid-transition"),
            (councilHttp, "status", new { status = "acknowledged" }, HttpStatusCode.Forbidden, "not-council-category"),
            (citizenHttp, "status", new { status = "acknowledged" }, HttpStatusCode.Forbidden, null!),
            (councilHttp, "assign", new { unit = "Unit 1" }, HttpStatusCode.Forbidden, null!),
            (policeHttp, "assign", new { unit = "" }, HttpStatusCode.BadRequest, "unit-required"),
            (policeHttp, "moderation", new { eventId = noteId, action = "hide", reason = "x" }, HttpStatusCode.BadRequest, "not-public"),
            (policeHttp, "moderation", new { eventId = "nope", action = "hide", reason = "x" }, HttpStatusCode.NotFound, "note-not-found"),
            (policeHttp, "moderation", new { eventId = noteId, action = "shred", reason = "x" }, HttpStatusCode.BadRequest, "unknown-action"),
            (citizenHttp, "moderation", new { eventId = noteId, action = "hide", reason = "x" }, HttpStatusCode.Forbidden, null!),
        };

        foreach (var (http, path, body, status, code) in cases)
        {
            var response = await http.PostJsonAsync($"/api/incidents/{id}/{path}", body);
            await response.ProblemAsync(status, code);
            Assert.Equal(head, await Head(policeHttp, id));
        }

        var view = await (await policeHttp.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("reported", view.Str("status"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, view.GetProperty("assignedUnit").ValueKind);
        Assert.Equal(1, view.GetProperty("notes").GetArrayLength());
    }

    [Fact]
    public async Task UnknownIdsAreNotFound()
    {
        var police = await fx.UserAsync("police");
        using var http = fx.Http(police.Token);
        var unknown = Guid.NewGuid();
        await (await http.GetAsync($"/api/incidents/{unknown}")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        await (await http.GetAsync("/api/incidents/not-a-guid")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        await (await http.GetAsync($"/api/incidents/{unknown}/events?afterSeq=0")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        await (await http.PostJsonAsync($"/api/incidents/{unknown}/status", new { status = "acknowledged" })).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        await (await http.PostJsonAsync($"/api/incidents/{unknown}/notes", new { text = "x", visibility = "public" })).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        await (await http.GetAsync("/api/neighbourhoods/atlantis")).ProblemAsync(HttpStatusCode.NotFound, "neighbourhood-not-found");
        await (await http.GetAsync("/api/neighbourhoods/atlantis/incidents.geojson")).ProblemAsync(HttpStatusCode.NotFound, "neighbourhood-not-found");
    }

    [Fact]
    public async Task WrongRoleIsForbidden()
    {
        var op = await fx.UserAsync("operator");
        var police = await fx.UserAsync("police");
        await (await fx.Http(op.Token).PostJsonAsync("/api/incidents", Sample.Report())).ProblemAsync(HttpStatusCode.Forbidden);
        await (await fx.Http(police.Token).GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await fx.Http(police.Token).DeleteAsync("/api/me")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task MissingForgedOrExpiredTokensAreUnauthorized()
    {
        var citizen = await fx.UserAsync("citizen");
        var forged = Sign(citizen.Sub, "citizen", "a-completely-different-signing-key-0123456789", DateTime.UtcNow.AddHours(1));
        var expired = Sign(citizen.Sub, "citizen", GatewayFixture.SigningKey, DateTime.UtcNow.AddHours(-1));
        var tampered = citizen.Token[..^4] + (citizen.Token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        foreach (var token in new string?[] { null, "garbage", forged, expired, tampered })
        {
            using var http = fx.Http();
            if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await (await http.PostJsonAsync("/api/incidents", Sample.Report())).ProblemAsync(HttpStatusCode.Unauthorized);
            await (await http.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var me = await (await fx.Http(citizen.Token).GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, me.GetProperty("reports").GetArrayLength());
    }

    [Fact]
    public async Task HubRefusesUnauthenticatedConnectionsAndForeignOrUnknownStreams()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(fx.GatewayA, "not-a-token"));

        var police = await fx.UserAsync("police");
        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        Assert.Contains("citizens", (await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("me"))).Message);
        await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync($"incident:{Guid.NewGuid()}"));
        await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("incident:../../etc"));
        await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("neighbourhood:atlantis"));
        await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("citizen:someone-else"));
        await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("neighbourhood:centrum", -5));

        // The connection survives refusals and still works.
        Assert.Equal("police", (await client.SubscribeAsync("neighbourhood:centrum")).Audience);
    }

    [Fact]
    public async Task RetriedCommandsWithTheSameIdempotencyKeyChangeNothing()
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        using var http = fx.Http(citizen.Token);
        using var policeHttp = fx.Http(police.Token);
        var first = await (await http.PostJsonAsync("/api/incidents", Sample.Report(), "same-key")).JsonAsync(HttpStatusCode.Created);
        var second = await (await http.PostJsonAsync("/api/incidents", Sample.Report(), "same-key")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(first.Str("id"), second.Str("id"));
        var id = first.Str("id");

        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "once", visibility = "public" }, "note-key")).JsonAsync(HttpStatusCode.OK);
        var again = await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "once", visibility = "public" }, "note-key")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, again.GetProperty("notes").GetArrayLength());
        Assert.Equal(2, await Head(policeHttp, id));

        var me = await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([id], me.GetProperty("reports").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task DevTokensAreRefusedForUnknownRoles()
    {
        using var http = fx.Http();
        await (await http.PostJsonAsync("/dev/token", new { sub = "x", role = "admin" })).ProblemAsync(HttpStatusCode.BadRequest, "role-invalid");
        await (await http.PostJsonAsync("/dev/token", new { role = "citizen" })).ProblemAsync(HttpStatusCode.BadRequest, "sub-invalid");
    }

    private static async Task<long> Head(HttpClient http, string id) =>
        (await (await http.GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK)).GetProperty("head").GetInt64();

    private static async Task<int> ActiveIncidentCount(HttpClient http)
    {
        var total = 0;
        foreach (var slug in new[] { "centrum", "havenkwartier", "duinzicht", "parkwijk", "stationsbuurt", "oosterhout" })
        {
            total += (await (await http.GetAsync($"/api/neighbourhoods/{slug}")).JsonAsync(HttpStatusCode.OK)).GetProperty("activeIncidents").GetArrayLength();
        }

        return total;
    }

    private static string Sign(string sub, string role, string key, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = sub, ["role"] = role },
            Issuer = "collab",
            Audience = "collab",
            NotBefore = expires.AddHours(-2),
            IssuedAt = expires.AddHours(-2),
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
}
