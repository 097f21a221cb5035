using System.Net;
using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Collab.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Tests.Gateway;

/// <summary>Control characters and bidi overrides in any free text are a 400 at validation, and nothing changes.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ControlCharacterTests(GatewayFixture fx)
{
    /// <summary>Newline and tab are text; these are not.</summary>
    public static TheoryData<string> Hostile => new()
    {
        "nul \0 byte",
        "escape \u001b[2J",
        "carriage \r return",
        "vertical \u000b tab",
        "delete \u007f",
        "next line \u0085",
        "right-to-left \u202e override",
        "left-to-right \u202d override",
        "isolate \u2066 x \u2069",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task AReportWithAControlCharacterIsRefusedAndStoresNothing(string hostile)
    {
        var citizen = await fx.UserAsync("citizen");
        using var http = fx.Http(citizen.Token);

        var problem = await (await http.PostJsonAsync("/api/incidents", Sample.Report("vandalism", $"Glass smashed, {hostile}")))
            .ProblemAsync(HttpStatusCode.BadRequest, "text-invalid");
        Assert.Contains("'description'", problem.Str("detail"));
        var me = await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, me.GetProperty("reports").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task CommandsWithAControlCharacterInTheirTextAreRefusedAndChangeNothing(string hostile)
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var flagger = await fx.UserAsync("citizen");
        using var citizenHttp = fx.Http(citizen.Token);
        using var policeHttp = fx.Http(police.Token);
        using var flaggerHttp = fx.Http(flagger.Token);
        var id = (await (await citizenHttp.PostJsonAsync("/api/incidents", Sample.Report("theft", "Bike stolen"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        var noteId = (await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Line one\nline\ttwo", visibility = "public" })).JsonAsync(HttpStatusCode.OK))
            .GetProperty("notes")[0].Str("eventId");
        var before = await ViewAsync(policeHttp, id);

        var cases = new (HttpClient Http, string Path, object Body, string Field)[]
        {
            (policeHttp, "notes", new { text = hostile, visibility = "public" }, "text"),
            (citizenHttp, "notes", new { text = hostile, visibility = "public" }, "text"),
            (policeHttp, "status", new { status = "acknowledged", reason = hostile }, "reason"),
            (policeHttp, "assign", new { unit = hostile }, "unit"),
            (policeHttp, "moderation", new { eventId = noteId, action = "hide", reason = hostile }, "reason"),
            (flaggerHttp, "flags", new { eventId = noteId, reason = hostile }, "reason"),
        };
        foreach (var (http, path, body, field) in cases)
        {
            var problem = await (await http.PostJsonAsync($"/api/incidents/{id}/{path}", body)).ProblemAsync(HttpStatusCode.BadRequest, "text-invalid");
            Assert.Contains($"'{field}'", problem.Str("detail"));
            Assert.Equal(before, await ViewAsync(policeHttp, id));
        }

        await (await policeHttp.GetAsync($"/api/incidents/{id}/reporter?reason={Uri.EscapeDataString(hostile)}")).ProblemAsync(HttpStatusCode.BadRequest, "text-invalid");
        Assert.DoesNotContain((await (await policeHttp.GetAsync($"/api/incidents/{id}/audit")).JsonAsync(HttpStatusCode.OK)).EnumerateArray(),
            a => a.Str("action") == "reporter.revealed");
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task ADisplayNameWithAControlCharacterIsRefusedAndTheProfileKeepsItsName(string hostile)
    {
        var citizen = await fx.UserAsync("citizen");
        using var http = fx.Http(citizen.Token);
        await (await http.PutAsJsonAsync("/api/me", new { displayName = "Ada" })).JsonAsync(HttpStatusCode.OK);

        var problem = await (await http.PutAsJsonAsync("/api/me", new { displayName = $"Ada {hostile}" })).ProblemAsync(HttpStatusCode.BadRequest, "text-invalid");
        Assert.Contains("'displayName'", problem.Str("detail"));
        Assert.Equal("Ada", (await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK)).Str("displayName"));
    }

    [Fact]
    public async Task NamesWithAControlCharacterAreRefusedWhereTheyEnterAndDroppedFromTokens()
    {
        using var anonymous = fx.Http();
        await (await anonymous.PostJsonAsync("/dev/token", new { sub = "x", role = "citizen", name = "Ada\0" })).ProblemAsync(HttpStatusCode.BadRequest, "name-invalid");
        await (await anonymous.PostJsonAsync("/dev/token", new { sub = "x\u001b", role = "citizen" })).ProblemAsync(HttpStatusCode.BadRequest, "sub-invalid");

        var open311 = await anonymous.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = GatewayFixture.Open311Key, ["service_code"] = "vandalism", ["lat"] = "52.0751", ["long"] = "4.2891",
            ["description"] = "Graffiti", ["first_name"] = "Jan\u202e",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, open311.StatusCode);

        // A token signed with the key but carrying such a name still works; the name is left out.
        var sub = $"citizen-{Guid.NewGuid():N}";
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = sub, ["role"] = "citizen", ["name"] = "Ada\0Lovelace" },
            Issuer = "collab",
            Audience = "collab",
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(GatewayFixture.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
        using var http = fx.Http(token);
        var id = (await (await http.PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var police = await fx.UserAsync("police");
        var reporter = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}/reporter?reason=call+back")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(sub, reporter.Str("sub"));
        Assert.Equal(JsonValueKind.Null, reporter.GetProperty("name").ValueKind);
    }

    [Fact]
    public async Task NewlinesInEitherConventionTabsAndRightToLeftScriptAreKept()
    {
        var citizen = await fx.UserAsync("citizen");
        using var http = fx.Http(citizen.Token);
        const string description = "Line one\nLine two\r\nas Windows writes it\twith a tab, \u200fمرحبا\u200e and a family 👨\u200d👩\u200d👧";
        var created = await (await http.PostJsonAsync("/api/incidents", Sample.Report("vandalism", description))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(description, created.Str("description"));
    }

    private static async Task<string> ViewAsync(HttpClient http, string id)
    {
        var events = await (await http.GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
        return JsonSerializer.Serialize(events);
    }
}
