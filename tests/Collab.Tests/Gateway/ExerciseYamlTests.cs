using System.Net;
using System.Text;
using System.Text.Json;
using Collab.Tests.Infrastructure;
using static Collab.Tests.Gateway.ExerciseClient;

namespace Collab.Tests.Gateway;

/// <summary>
/// Scenarios written in YAML, posted through real HTTP as they are (Content-Type application/yaml,
/// the speed in the query): the shipped example plays to its end, and a mistake, in the YAML or in
/// the scenario, is the same <c>scenario-invalid</c> problem JSON gets, with nothing started.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ExerciseYamlTests(GatewayFixture fx)
{
    [Fact]
    public async Task TheShippedYamlScenarioStartsAndPlaysToItsEnd()
    {
        using var trainerHttp = fx.Http(await TrainerAsync(fx));
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "docs", "exercises", "market-morning.yaml"));
        // 300 s of scenario time at the highest speed: 3 s.
        var started = await (await PostYamlAsync(trainerHttp, yaml, "?speed=100")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Market morning, station square", started.Str("name"));
        Assert.Equal(20, started.GetProperty("stepsTotal").GetInt32());
        Assert.Equal(100, started.GetProperty("speed").GetDouble());

        var done = await UntilAsync(trainerHttp, started.Str("id"), "completed");
        Assert.Equal(20, done.GetProperty("stepsPlayed").GetInt32());
        Assert.Equal(["bike", "fight", "fight-again", "pickpocket", "stall", "van"], done.GetProperty("incidents").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(6, done.GetProperty("injects").GetArrayLength());
        Assert.Single(done.GetProperty("alerts").EnumerateArray());
        Assert.Empty(done.GetProperty("problems").EnumerateArray());

        // The YAML's values arrived typed as written: a quoted text with a colon, a flow mapping's numbers.
        Assert.Equal("Morning briefing: 08:00. Units Alpha and Bravo on foot around the market, Charlie in the car.", done.GetProperty("injects")[0].Str("text"));
        var van = await (await trainerHttp.GetAsync($"/api/incidents/{done.GetProperty("incidents").Str("van")}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(52.0887, van.GetProperty("location").GetProperty("lat").GetDouble());
        Assert.Equal("Charlie", van.Str("assignedUnit"));
        Assert.Equal(started.Str("id"), van.Str("exercise"));
    }

    [Fact]
    public async Task TheSameScenarioInJsonAndYamlStartsTheSameExercise()
    {
        using var trainerHttp = fx.Http(await TrainerAsync(fx));
        const string yaml = """
            name: Two steps
            steps:
              - { at: 0, kind: report, ref: a, category: noise, text: "Loud music: again", location: { lat: 52.0712, lon: 4.2811 }, severity: high }
              - at: 3600
                kind: inject
                text: 'Never reached'
            """;
        var fromYaml = await (await PostYamlAsync(trainerHttp, yaml, "?speed=0.5", "text/yaml; charset=utf-8")).JsonAsync(HttpStatusCode.Created);
        var json = new
        {
            scenario = new
            {
                name = "Two steps",
                steps = new object[]
                {
                    new { at = 0, kind = "report", @ref = "a", category = "noise", text = "Loud music: again", location = new { lat = 52.0712, lon = 4.2811 }, severity = "high" },
                    new { at = 3600, kind = "inject", text = "Never reached" },
                },
            },
            speed = 0.5,
        };
        var fromJson = await (await trainerHttp.PostJsonAsync("/api/exercises", json)).JsonAsync(HttpStatusCode.Created);
        foreach (var field in new[] { "name", "status" })
        {
            Assert.Equal(fromJson.Str(field), fromYaml.Str(field));
        }

        Assert.Equal(fromJson.GetProperty("stepsTotal").GetInt32(), fromYaml.GetProperty("stepsTotal").GetInt32());
        Assert.Equal(0.5, fromYaml.GetProperty("speed").GetDouble());
        var yamlIncident = await IncidentOfAsync(trainerHttp, fromYaml.Str("id"), "a");
        var jsonIncident = await IncidentOfAsync(trainerHttp, fromJson.Str("id"), "a");
        var a = await (await trainerHttp.GetAsync($"/api/incidents/{yamlIncident}")).JsonAsync(HttpStatusCode.OK);
        var b = await (await trainerHttp.GetAsync($"/api/incidents/{jsonIncident}")).JsonAsync(HttpStatusCode.OK);
        foreach (var field in new[] { "category", "description", "severity", "neighbourhood" })
        {
            Assert.Equal(b.Str(field), a.Str(field));
        }

        foreach (var id in new[] { fromYaml.Str("id"), fromJson.Str("id") })
        {
            await (await trainerHttp.PostAsync($"/api/exercises/{id}/stop", null)).JsonAsync(HttpStatusCode.OK);
        }
    }

    [Theory]
    // Not YAML at all: the parser's complaint, with where.
    [InlineData("name: x\nsteps:\n  - at: 0\n   kind: inject\n", "YAML (line")]
    [InlineData("name: [unclosed\n", "YAML (line")]
    [InlineData("name: x\nname: y\nsteps: []\n", "YAML")]
    [InlineData("name: x\n---\nname: y\n", "exactly one document")]
    [InlineData("? [a, b]\n: c\n", "a key must be a plain string")]
    // YAML, but not a scenario: the same problems JSON gets.
    [InlineData("- just\n- a list\n", "'scenario' must be an object")]
    [InlineData("name: x\nsteps:\n  - at: 0\n    kind: inject\n    txt: typo\n", "steps[0]: unknown field 'txt'")]
    [InlineData("name: x\nsteps:\n  - at: \"5\"\n    kind: inject\n    text: quoted, so a string\n", "steps[0]: 'at' (seconds after the start) is required, a number")]
    [InlineData("name: x\nsteps:\n  - at: 0\n    kind: note\n    ref: r9\n    text: hi\n", "steps[0] (note): 'ref' \"r9\" names no incident reported by an earlier step")]
    [InlineData("name: x\nsteps:\n  - at: 0\n    kind: inject\n    text: 12\n", "steps[0]: 'text' must be a string")]
    [InlineData("name: x\nsteps:\n  - at: 0x10\n    kind: inject\n    text: hex is no number here\n", "'at' (seconds after the start) is required, a number")]
    [InlineData("name: x\nsteps:\n  - at: 0\n    kind: explode\n", "steps[0]: 'kind' must be one of")]
    [InlineData("", "exactly one document")]
    public async Task AMistakeInAYamlScenarioIsAClearProblemAndStartsNothing(string yaml, string expected)
    {
        using var trainerHttp = fx.Http(await TrainerAsync(fx));
        var key = Guid.NewGuid().ToString("N");
        var problem = await (await PostYamlAsync(trainerHttp, yaml, "?speed=10", key: key)).ProblemAsync(HttpStatusCode.BadRequest, "scenario-invalid");
        Assert.Contains(expected, problem.Str("detail"), StringComparison.Ordinal);

        // Nothing was started under that key: a valid scenario with it starts now.
        await (await PostYamlAsync(trainerHttp, "name: ok\nsteps:\n  - { at: 0, kind: inject, text: hello }\n", "?speed=10", key: key)).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AYamlBombOrABadSpeedIsRefusedAndStartsNothing()
    {
        using var trainerHttp = fx.Http(await TrainerAsync(fx));
        // A few hundred bytes that would expand to millions of nodes.
        var bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 'b'; level <= 'j'; level++)
        {
            bomb.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(", ", Enumerable.Repeat("*" + (char)(level - 1), 10))).Append("]\n");
        }

        var problem = await (await PostYamlAsync(trainerHttp, bomb.ToString(), "")).ProblemAsync(HttpStatusCode.BadRequest, "scenario-invalid");
        Assert.Contains("more than", problem.Str("detail"), StringComparison.Ordinal);

        const string valid = "name: ok\nsteps:\n  - { at: 0, kind: inject, text: hello }\n";
        foreach (var query in new[] { "?speed=fast", "?speed=1&speed=2" })
        {
            var bad = await (await PostYamlAsync(trainerHttp, valid, query)).ProblemAsync(HttpStatusCode.BadRequest, "scenario-invalid");
            Assert.Contains("'speed'", bad.Str("detail"), StringComparison.Ordinal);
        }

        // Out of range: the grain's check, as for JSON.
        await (await PostYamlAsync(trainerHttp, valid, "?speed=1000")).ProblemAsync(HttpStatusCode.BadRequest, "scenario-invalid");
        // Neither JSON nor YAML.
        using var plain = new HttpRequestMessage(HttpMethod.Post, "/api/exercises") { Content = new StringContent(valid, Encoding.UTF8, "text/plain") };
        await (await trainerHttp.SendAsync(plain)).ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        // No body: what to send.
        await (await trainerHttp.PostAsync("/api/exercises", null)).ProblemAsync(HttpStatusCode.BadRequest, "scenario-invalid");
        // Malformed JSON stays the framework's malformed-request.
        await (await trainerHttp.PostRawAsync("/api/exercises", "{ \"scenario\": ")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
    }

    private static Task<HttpResponseMessage> PostYamlAsync(HttpClient http, string yaml, string query, string mediaType = "application/yaml", string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/exercises" + query) { Content = new StringContent(yaml, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType);
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return http.SendAsync(request);
    }
}
