using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Collab.Common;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Gateway;

/// <summary>
/// The hostile-input corpus of issue 14, run against every way text and ids enter: REST, the hub
/// (JSON and MessagePack) and Open311. Whatever is refused is a 4xx (a hub error on the hub), never
/// a 500 nor a dropped connection; a refusal changes nothing (no event, no incident, no profile,
/// no alert); the odd but valid is accepted as text; and the whole run leaves memory and incident
/// activations bounded.
/// </summary>
[Collection(MeasuredGatewayCollection.Name)]
public sealed class HostileCorpusTests(GatewayFixture fx)
{
    /// <summary>Text every field refuses: control characters and bidi controls (as in <see cref="ControlCharacterTests"/>) and more of their kind.</summary>
    public static TheoryData<string> RefusedText
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var row in ControlCharacterTests.Hostile)
            {
                data.Add(row);
            }

            data.Add("bell \u0007 and backspace \b");
            data.Add("form feed \f");
            data.Add("pop directional \u202c");
            data.Add("first strong isolate \u2068 x");
            data.Add("non-character \uffff");
            return data;
        }
    }

    /// <summary>Odd but valid text: a reader sees it as written, so it is accepted (and never a 500).</summary>
    public static TheoryData<string> OddButValidText => new()
    {
        "zero\u200bwidth\u200cspace\u200djoiner\ufeff",
        "soft\u00adhyphen and non\u2011breaking",
        "look-alike раураl.com and Ꭺdmin",
        "left-to-right mark \u200e and right-to-left mark \u200f",
        "full-width ＡＢＣ１２３ ＠",
        "emoji 🚲🔥 and combining e\u0301",
        "arabic نص and hebrew טקסט",
        "line one\r\nline two\n\tindented",
    };

    /// <summary>Stream names no client may follow.</summary>
    public static TheoryData<string?> OddStreamNames => new()
    {
        null, "", " ", "incident", "incident:", "incident:not-a-guid", $"incident:{Guid.NewGuid():D}", $"incident:{Guid.NewGuid():N}",
        $"INCIDENT:{Guid.NewGuid():D}", "neighbourhood:atlantis", "neighbourhood:", "neighbourhood:centrum:extra", "citizen:someone-else",
        "city:x", "me:other", "../../etc/passwd", "incident:\u0000", "neighbourhood:centr\u202eum", new string('x', 201), "🚲",
    };

    [Theory]
    [MemberData(nameof(RefusedText))]
    public async Task RefusedTextIsA400OnEveryRestCommandAndChangesNothing(string hostile)
    {
        var s = await SceneAsync();
        var before = await s.HeadAsync();
        var cases = new (HttpClient Http, string Path, object Body)[]
        {
            (s.Citizen, "/api/incidents", Sample.Report("vandalism", $"Glass {hostile}")),
            (s.Police, $"/api/incidents/{s.Id}/notes", new { text = $"Note {hostile}", visibility = "public" }),
            (s.Citizen, $"/api/incidents/{s.Id}/notes", new { text = $"Note {hostile}", visibility = "public" }),
            (s.Police, $"/api/incidents/{s.Id}/status", new { status = "acknowledged", reason = $"Reason {hostile}" }),
            (s.Police, $"/api/incidents/{s.Id}/assign", new { unit = $"U{hostile}" }),
            (s.Police, $"/api/incidents/{s.Id}/moderation", new { eventId = s.NoteId, action = "hide", reason = $"Reason {hostile}" }),
            (s.Flagger, $"/api/incidents/{s.Id}/flags", new { eventId = s.NoteId, reason = $"Reason {hostile}" }),
            (s.Council, "/api/neighbourhoods/centrum/alerts", Alert($"Headline {hostile}", "Description.")),
            (s.Council, "/api/neighbourhoods/centrum/alerts", Alert("Headline", $"Description {hostile}")),
        };
        var cityBefore = await CityHeadAsync(s.CouncilToken);

        foreach (var (http, path, body) in cases)
        {
            await ExpectClientErrorAsync(await http.PostJsonAsync(path, body), path);
        }

        await ExpectClientErrorAsync(await s.Citizen.PutAsJsonAsync("/api/me", new { displayName = $"Ada {hostile}" }), "/api/me");
        await ExpectClientErrorAsync(await s.Citizen.PutAsJsonAsync("/api/me", new { language = $"en{hostile}" }), "/api/me");

        Assert.Equal(before, await s.HeadAsync());
        var me = await (await s.Citizen.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([s.Id], me.GetProperty("reports").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, me.GetProperty("displayName").ValueKind);
        Assert.Equal(cityBefore, await CityHeadAsync(s.CouncilToken));
    }

    [Theory]
    [MemberData(nameof(RefusedText))]
    public async Task RefusedTextIsAHubErrorOnEveryHubCommandInJsonAndMessagePackAndChangesNothing(string hostile)
    {
        var s = await SceneAsync();
        var before = await s.HeadAsync();
        foreach (var messagePack in new[] { false, true })
        {
            await using var police = await LiveClient.ConnectAsync(fx.GatewayA, s.PoliceToken, messagePack);
            await using var citizen = await LiveClient.ConnectAsync(fx.GatewayA, s.CitizenToken, messagePack);
            await ExpectHubErrorAsync(citizen, "Report", Sample.Report("vandalism", $"Glass {hostile}"), null);
            await ExpectHubErrorAsync(police, "AddNote", s.Id, new { text = $"Note {hostile}", visibility = "public" }, null);
            await ExpectHubErrorAsync(police, "ChangeStatus", s.Id, new { status = "acknowledged", reason = $"Reason {hostile}" }, null);
            await ExpectHubErrorAsync(police, "Assign", s.Id, new { unit = $"U{hostile}" }, null);
            await ExpectHubErrorAsync(police, "Subscribe", $"incident:{s.Id}{hostile}", null);
            await ExpectHubErrorAsync(police, "Subscribe", $"neighbourhood:centrum{hostile}", null);

            // The connection survived every refusal.
            Assert.Equal(before, (await police.SubscribeAsync($"incident:{s.Id}", 0)).CurrentSeq);
        }

        Assert.Equal(before, await s.HeadAsync());
        var me = await (await s.Citizen.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, me.GetProperty("reports").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(RefusedText))]
    public async Task RefusedTextIsA400OnOpen311AndCreatesNoRequest(string hostile)
    {
        // A gateway of its own: every anonymous POST counts against 127.0.0.1's command limit, which the rest of the suite shares.
        var (app, url) = await fx.StartGatewayAsync();
        try
        {
            await Open311RefusesAsync(url, hostile);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task Open311RefusesAsync(Uri url, string hostile)
    {
        using var anonymous = new HttpClient { BaseAddress = url };
        foreach (var (field, value) in new[] { ("description", $"Glass {hostile}"), ("device_id", $"dev{hostile}"), ("first_name", $"Ada{hostile}"), ("last_name", $"L{hostile}") })
        {
            var device = field == "device_id" ? value : "corpus-device";
            var name = field is "first_name" or "last_name" ? value : null;
            var key = Guid.NewGuid().ToString("N");
            var form = new Dictionary<string, string>
            {
                ["api_key"] = GatewayFixture.Open311Key, ["service_code"] = "vandalism", ["lat"] = "52.0712", ["long"] = "4.2811",
                ["description"] = "Glass smashed", ["device_id"] = "corpus-device",
            };
            form[field] = value;
            var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json") { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add(IdempotencyKeys.Header, key);

            await ExpectClientErrorAsync(await anonymous.SendAsync(request), $"open311 {field}", problem: false);

            var actor = new Actor(ActorRole.Citizen, $"open311:test-app:{device}", name, Languages.Default);
            var id = IdempotencyKeys.DerivedId("incident", actor, key);
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/open311/v2/requests/{id}.json")).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(OddButValidText))]
    public async Task OddButValidTextIsAcceptedOnceAndNeverA500(string odd)
    {
        var s = await SceneAsync();
        var before = await s.HeadAsync();

        var noted = await s.Police.PostJsonAsync($"/api/incidents/{s.Id}/notes", new { text = $"Note {odd}", visibility = "public" });
        Assert.Equal(HttpStatusCode.OK, noted.StatusCode);
        Assert.Equal(before + 1, await s.HeadAsync());
        var reported = await s.Flagger.PostJsonAsync("/api/incidents", Sample.Report("noise", $"Noise {odd}"));
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);

        await using var console = await LiveClient.ConnectAsync(fx.GatewayA, s.PoliceToken, messagePack: true);
        await console.Connection.InvokeCoreAsync<JsonElement>("AddNote", [s.Id, new { text = $"Hub {odd}", visibility = "police" }, null]);
        Assert.Equal(before + 2, await s.HeadAsync());
    }

    [Fact]
    public async Task StringsJustUnderEachLimitAreAcceptedAndJustOverAreA400ThatChangesNothing()
    {
        var s = await SceneAsync();
        var limits = new (string Path, Func<string, object> Body, int Max)[]
        {
            ($"/api/incidents/{s.Id}/notes", t => new { text = t, visibility = "police" }, IncidentRules.MaxNote),
            ($"/api/incidents/{s.Id}/assign", t => new { unit = t }, IncidentRules.MaxUnit),
        };
        foreach (var (path, body, max) in limits)
        {
            var before = await s.HeadAsync();
            await ExpectClientErrorAsync(await s.Police.PostJsonAsync(path, body(new string('a', max + 1))), path);
            Assert.Equal(before, await s.HeadAsync());
            Assert.Equal(HttpStatusCode.OK, (await s.Police.PostJsonAsync(path, body(new string('a', max)))).StatusCode);
            Assert.Equal(before + 1, await s.HeadAsync());
        }

        var head = await s.HeadAsync();
        await ExpectClientErrorAsync(await s.Police.PostJsonAsync($"/api/incidents/{s.Id}/status", new { status = "acknowledged", reason = new string('r', IncidentRules.MaxReason + 1) }), "status");
        await ExpectClientErrorAsync(await s.Citizen.PostJsonAsync("/api/incidents", Sample.Report("noise", new string('d', IncidentRules.MaxDescription + 1))), "report");
        await ExpectClientErrorAsync(await s.Citizen.PutAsJsonAsync("/api/me", new { displayName = new string('n', 10_000) }), "me");
        Assert.Equal(head, await s.HeadAsync());
    }

    [Fact]
    public async Task WrongTypesDeepNestingAndHugeNumbersAreClientErrorsOnRestHubAndOpen311()
    {
        var s = await SceneAsync();
        var before = await s.HeadAsync();
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var deepObject = string.Concat(Enumerable.Repeat("{\"text\":", 200)) + "\"x\"" + new string('}', 200);
        string[] bodies =
        [
            deep, deepObject, "{\"text\":" + deep + ",\"visibility\":\"public\"}",
            "{\"text\":42,\"visibility\":\"public\"}", "{\"text\":[\"a\"],\"visibility\":\"public\"}", "{\"text\":{\"a\":1},\"visibility\":\"public\"}",
            "{\"text\":\"x\",\"visibility\":7}", "{\"text\":\"x\",\"visibility\":true}", "{\"unit\":1e999}", "{\"unit\":-0}",
            "{\"status\":1,\"reason\":null}", "{\"eventId\":12345678901234567890123,\"action\":\"hide\"}", "{\"eventId\":null,\"action\":null}",
            "\"just a string\"", "null", "true", "1e308", "",
        ];
        foreach (var command in new[] { "notes", "status", "assign", "moderation" })
        {
            foreach (var body in bodies)
            {
                await ExpectClientErrorAsync(await s.Police.PostRawAsync($"/api/incidents/{s.Id}/{command}", body), $"{command} {body[..Math.Min(40, body.Length)]}");
            }
        }

        string[] reports =
        [
            """{"category":"vandalism","description":"x","location":{"lat":1e999,"lon":4.28}}""",
            """{"category":"vandalism","description":"x","location":{"lat":52.07,"lon":4.28,"accuracyM":1e999}}""",
            """{"category":"vandalism","description":"x","location":{"lat":52.07,"lon":4.28,"accuracyM":-5}}""",
            """{"category":"vandalism","description":"x","location":{"lat":"NaN","lon":4.28}}""",
            """{"category":"vandalism","description":"x","location":[52.07,4.28]}""",
            """{"category":["vandalism"],"description":"x","location":{"lat":52.07,"lon":4.28}}""",
            """{"category":"vandalism","description":{"text":"x"},"location":{"lat":52.07,"lon":4.28}}""",
            """{"category":"vandalism","description":"x","location":{"lat":52.07,"lon":4.28},"severity":99999999999999999999}""",
        ];
        foreach (var body in reports)
        {
            await ExpectClientErrorAsync(await s.Citizen.PostRawAsync("/api/incidents", body), body);
        }

        await ExpectClientErrorAsync(await s.Citizen.PutAsync("/api/me/follows", new StringContent(deep, Encoding.UTF8, "application/json")), "follows");
        await ExpectClientErrorAsync(await s.Citizen.PutAsync("/api/me", new StringContent("{\"displayName\":42}", Encoding.UTF8, "application/json")), "me");
        await ExpectClientErrorAsync(await s.Council.PostRawAsync("/api/neighbourhoods/centrum/alerts", "{\"headline\":[1],\"translations\":\"x\"}"), "alerts");
        await ExpectClientErrorAsync(await s.Council.PostRawAsync("/api/neighbourhoods/centrum/alerts", "{\"headline\":\"h\",\"description\":\"d\",\"severity\":\"Severe\",\"urgency\":\"Expected\",\"certainty\":\"Likely\",\"expires\":\"99999-01-01\"}"), "alerts expires");

        foreach (var messagePack in new[] { false, true })
        {
            await using var police = await LiveClient.ConnectAsync(fx.GatewayA, s.PoliceToken, messagePack);
            await ExpectHubErrorAsync(police, "AddNote", s.Id, 42, null);
            await ExpectHubErrorAsync(police, "AddNote", s.Id, new { text = new[] { 1, 2 }, visibility = "public" }, null);
            await ExpectHubErrorAsync(police, "ChangeStatus", s.Id, new { status = 1e300 }, null);
            await ExpectHubErrorAsync(police, "Assign", 12345, new { unit = "U1" }, null);
            await ExpectHubErrorAsync(police, "Assign", s.Id, new { unit = "U1" }, new string('k', 10_000));
            await ExpectHubErrorAsync(police, "Report", "not an object", null);
            await ExpectHubErrorAsync(police, "Subscribe", new { stream = "city" }, null);
            await ExpectHubErrorAsync(police, "Subscribe", "city", long.MinValue);
            Assert.Equal(before, (await police.SubscribeAsync($"incident:{s.Id}", 0)).CurrentSeq);
        }

        using var anonymous = fx.Http();
        string[] open311 =
        [
            "/open311/v2/requests.json?service_request_id=" + string.Join(',', Enumerable.Range(0, 51).Select(i => i.ToString())),
            "/open311/v2/requests.exe", "/open311/v2/requests/..%2F..%2Fetc.json", "/open311/v2/services/%00.json",
        ];
        foreach (var path in open311)
        {
            await ExpectClientErrorAsync(await anonymous.GetAsync(path), path, problem: false);
        }

        foreach (var path in new[] { "/open311/v2/requests.json?service_request_id=" + new string(',', 5_000), "/open311/v2/requests.json?start_date=99999-99-99&end_date=x&status=%00&service_code=" + new string('a', 5_000), "/open311/v2/requests.xml?service_request_id=" + string.Join(',', Enumerable.Range(0, 50).Select(_ => "\u202e")) })
        {
            var response = await anonymous.GetAsync(path);
            Assert.True((int)response.StatusCode < 500, $"{path} answered {(int)response.StatusCode}.");
        }

        Assert.Equal(before, await s.HeadAsync());
        Assert.Equal(1, (await (await s.Citizen.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK)).GetProperty("reports").GetArrayLength());
    }

    /// <summary>
    /// What only JSON text carries: half surrogate pairs as escapes (a client's serializer, UTF-8,
    /// a form or MessagePack turn them into U+FFFD before they leave) and duplicate keys (a proxy
    /// that reads the first and a server that takes the last disagree on what was sent).
    /// </summary>
    [Fact]
    public async Task HalfSurrogateEscapesAndDuplicateKeysInJsonAreA400AndChangeNothing()
    {
        var s = await SceneAsync();
        var before = await s.HeadAsync();
        string[] notes =
        [
            """{"text":"half \ud800 surrogate","visibility":"public"}""",
            """{"text":"low \udc00 first","visibility":"public"}""",
            """{"text":"reversed \udc00\ud800 pair","visibility":"public"}""",
            """{"text":"x","visibility":"public","text":"y"}""",
            """{"text":"x","visibility":"public","visibility":"police"}""",
            """{"text":"x","visibility":"public","Text":"y"}""",
        ];
        foreach (var body in notes)
        {
            await ExpectClientErrorAsync(await s.Police.PostRawAsync($"/api/incidents/{s.Id}/notes", body), body);
        }

        await ExpectClientErrorAsync(await s.Police.PostRawAsync($"/api/incidents/{s.Id}/assign", """{"unit":"U\ud800"}"""), "assign");
        await ExpectClientErrorAsync(await s.Citizen.PostRawAsync("/api/incidents",
            """{"category":"vandalism","description":"Glass \udfff","location":{"lat":52.0712,"lon":4.2811}}"""), "report");
        await ExpectClientErrorAsync(await s.Citizen.PostRawAsync("/api/incidents",
            """{"category":"vandalism","description":"x","location":{"lat":52.0712,"lon":4.2811},"category":"fire"}"""), "report");
        await ExpectClientErrorAsync(await s.Citizen.PutAsync("/api/me", new StringContent("""{"displayName":"Ada \ud800"}""", Encoding.UTF8, "application/json")), "me");

        Assert.Equal(before, await s.HeadAsync());
        var me = await (await s.Citizen.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, me.GetProperty("reports").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("displayName").ValueKind);
    }

    [Theory]
    [MemberData(nameof(OddStreamNames))]
    public async Task OddStreamNamesAreAHubErrorAndTheConnectionSurvives(string? stream)
    {
        var citizen = await fx.UserAsync("citizen");
        foreach (var messagePack in new[] { false, true })
        {
            await using var client = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token, messagePack);
            await ExpectHubErrorAsync(client, "Subscribe", stream, null);
            await client.UnsubscribeAsync(stream ?? "");
            Assert.Equal("city", (await client.SubscribeAsync("city")).Stream);
        }
    }

    [Fact]
    public async Task TheWholeCorpusLeavesMemoryAndIncidentActivationsBounded()
    {
        var s = await SceneAsync();
        var grains = fx.ServicesA.GetRequiredService<IGrainFactory>();
        var activationsBefore = (await ActiveIncidentsAsync(grains)).Count;
        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var anonymous = fx.Http();
        await using var console = await LiveClient.ConnectAsync(fx.GatewayA, s.PoliceToken, messagePack: true);

        for (var round = 0; round < 5; round++)
        {
            foreach (var hostile in RefusedText)
            {
                await ExpectClientErrorAsync(await s.Citizen.PostJsonAsync("/api/incidents", Sample.Report("vandalism", hostile + new string('x', 3_000))), "report");
                await ExpectClientErrorAsync(await s.Police.PostJsonAsync($"/api/incidents/{Guid.NewGuid():D}/notes", new { text = hostile, visibility = "public" }), "notes");
                await ExpectHubErrorAsync(console, "Subscribe", $"incident:{Guid.NewGuid():D}", null);
            }

            var ids = string.Join(',', Enumerable.Range(0, 50).Select(_ => Guid.NewGuid().ToString("D")));
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(0, (await (await anonymous.GetAsync($"/open311/v2/requests.json?service_request_id={ids}")).JsonAsync(HttpStatusCode.OK)).GetArrayLength());
            }
        }

        var activationsAfter = (await ActiveIncidentsAsync(grains)).Count;
        Assert.True(activationsAfter <= activationsBefore + 1, $"Incident activations grew from {activationsBefore} to {activationsAfter}.");
        var grown = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        Assert.True(grown < 64 * 1024 * 1024, $"The process grew by {grown / 1024 / 1024} MB over the corpus.");
    }

    private static object Alert(string headline, string description) => new
    {
        headline, description, severity = "Severe", urgency = "Expected", certainty = "Likely", language = "en",
    };

    private static async Task ExpectClientErrorAsync(HttpResponseMessage response, string what, bool problem = true)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status is >= 400 and < 500, $"{what} answered {status}: {text}");
        if (problem && status != 404 && status != 405)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static async Task ExpectHubErrorAsync(LiveClient client, string method, params object?[] args)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeCoreAsync<JsonElement>(method, args));
        // A refusal is a HubException with its reason, or SignalR's own binding error for arguments of the
        // wrong shape; an unhandled server error is "An unexpected error occurred invoking 'X' on the server." alone.
        var unhandled = error.Message.StartsWith("An unexpected error occurred", StringComparison.Ordinal) && !error.Message.Contains("HubException: ", StringComparison.Ordinal);
        Assert.False(unhandled, $"{method} failed on the server: {error.Message}");
        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
    }

    private async Task<long> CityHeadAsync(string token)
    {
        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, token);
        return (await client.SubscribeAsync("city", 0)).CurrentSeq;
    }

    private static async Task<IReadOnlyList<string>> ActiveIncidentsAsync(IGrainFactory grains)
    {
        var stats = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var incidentType = grains.GetGrain<IIncidentGrain>(Guid.NewGuid().ToString("D")).GetGrainId().Type;
        return stats.Where(s => s.GrainId.Type == incidentType).Select(s => s.GrainId.Key.ToString()!).ToList();
    }

    /// <summary>A reported incident with a public note, and the people acting on it.</summary>
    private async Task<Scene> SceneAsync()
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var council = await fx.UserAsync("council");
        var flagger = await fx.UserAsync("citizen");
        var citizenHttp = fx.Http(citizen.Token);
        var policeHttp = fx.Http(police.Token);
        var id = (await (await citizenHttp.PostJsonAsync("/api/incidents", Sample.Report("theft", "Bike stolen"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        var noteId = (await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "We are on it", visibility = "public" })).JsonAsync(HttpStatusCode.OK))
            .GetProperty("notes")[0].Str("eventId");
        return new Scene(id, noteId, citizenHttp, policeHttp, fx.Http(council.Token), fx.Http(flagger.Token), citizen.Token, police.Token, council.Token);
    }

    private sealed record Scene(string Id, string NoteId, HttpClient Citizen, HttpClient Police, HttpClient Council, HttpClient Flagger,
        string CitizenToken, string PoliceToken, string CouncilToken)
    {
        /// <summary>The incident's head as police see it: every event of every audience.</summary>
        public async Task<long> HeadAsync() =>
            (await (await Police.GetAsync($"/api/incidents/{Id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK)).GetProperty("head").GetInt64();
    }
}
