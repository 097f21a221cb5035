using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using System.Xml.Schema;
using Collab.Tests.Infrastructure;
using static Collab.Tests.Gateway.ExerciseClient;

namespace Collab.Tests.Gateway;

/// <summary>
/// Training exercises through real HTTP and SignalR clients: a trainer plays a scenario, trainees
/// act on its incidents as on any other, the debrief tells who did what and how fast, and real
/// incidents reported meanwhile stay untouched and unmarked.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ExerciseTests(GatewayFixture fx)
{
    private static readonly TimeSpan Bound = ExerciseClient.Bound;
    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";

    [Fact]
    public async Task FiftyStepsAtTenTimesSpeedCompleteWithTheirDebriefWhileRealIncidentsStayUnmarked()
    {
        var trainer = await TrainerAsync();
        var trainee = await fx.UserAsync("police", name: "Officer Rossi");
        var citizen = await fx.UserAsync("citizen");
        using var trainerHttp = fx.Http(trainer);
        using var traineeHttp = fx.Http(trainee.Token);
        using var citizenHttp = fx.Http(citizen.Token);

        // 10 reports, 30 notes, 9 injects and an alert over 40 s of scenario time: 4 s at 10×.
        await using var cityWatcher = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token);
        await cityWatcher.SubscribeAsync("city");
        var started = await (await trainerHttp.PostJsonAsync("/api/exercises", new { scenario = FiftySteps(), speed = 10 })).JsonAsync(HttpStatusCode.Created);
        var id = started.Str("id");
        Assert.Equal("running", started.Str("status"));
        Assert.Equal(50, started.GetProperty("stepsTotal").GetInt32());

        // A real incident reported during the exercise, and a trainee watching the first exercise incident live.
        var real = (await (await citizenHttp.PostJsonAsync("/api/incidents", Sample.Report("theft", "Real bike stolen"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await traineeHttp.PostJsonAsync($"/api/incidents/{real}/status", new { status = "acknowledged" })).JsonAsync(HttpStatusCode.OK);
        var first = await IncidentOfAsync(traineeHttp, id, "r0");
        await using var live = await LiveClient.ConnectAsync(fx.GatewayB, trainee.Token);
        await live.SubscribeAsync($"incident:{first}", afterSeq: 0);
        // A citizen who tries to follow the exercise's incident by its id finds no such stream.
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => cityWatcher.SubscribeAsync($"incident:{first}"));
        Assert.Contains("Unknown stream", refused.Message, StringComparison.Ordinal);
        var reported = await live.NextAsync($"incident:{first}", Bound);
        Assert.Equal("incident.reported", reported.Type);
        Assert.Equal(id, reported.Exercise);

        // The trainee works two exercise incidents with the usual commands.
        foreach (var status in new[] { "acknowledged", "dispatched", "resolved" })
        {
            await (await traineeHttp.PostJsonAsync($"/api/incidents/{first}/status", new { status })).JsonAsync(HttpStatusCode.OK);
        }

        // Every pushed event (the scenario's notes, the trainee's status changes) carries the exercise.
        var pushed = new List<WireEvent>();
        while (pushed.Count(e => e.Type == "incident.status_changed") < 3)
        {
            pushed.Add(await live.NextAsync($"incident:{first}", Bound));
        }

        Assert.All(pushed, e => Assert.Equal(id, e.Exercise));
        var second = await IncidentOfAsync(traineeHttp, id, "r1");
        await (await traineeHttp.PostJsonAsync($"/api/incidents/{second}/status", new { status = "acknowledged" })).JsonAsync(HttpStatusCode.OK);

        var done = await UntilAsync(traineeHttp, id, "completed");
        Assert.Equal(50, done.GetProperty("stepsPlayed").GetInt32());
        Assert.Equal(10, done.GetProperty("incidents").EnumerateObject().Count());
        Assert.Equal(9, done.GetProperty("injects").GetArrayLength());
        Assert.Empty(done.GetProperty("problems").EnumerateArray());

        // Exercise incidents: marked for trainees, in the view and every event; absent for citizens and the neighbourhood.
        var view = await (await traineeHttp.GetAsync($"/api/incidents/{second}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, view.Str("exercise"));
        var events = await (await traineeHttp.GetAsync($"/api/incidents/{first}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
        Assert.All(events.GetProperty("events").EnumerateArray(), e => Assert.Equal(id, e.Str("exercise")));
        await (await citizenHttp.GetAsync($"/api/incidents/{second}")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        await (await citizenHttp.GetAsync($"/api/incidents/{second}/events?afterSeq=0")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(404, (int)(await fx.Http().GetAsync($"/open311/v2/requests/{second}.json")).StatusCode);
        var centrum = await (await traineeHttp.GetAsync("/api/neighbourhoods/centrum")).JsonAsync(HttpStatusCode.OK);
        var active = centrum.GetProperty("activeIncidents").EnumerateArray().Select(i => i.Str("id")).ToList();
        Assert.Contains(real, active);
        Assert.DoesNotContain(second, active);

        // The exercise's alert: CAP status Exercise for trainees, nothing for citizens, never on the city stream.
        var alert = done.GetProperty("alerts")[0].GetString()!;
        Assert.Equal(id, (await (await traineeHttp.GetAsync($"/api/alerts/{alert}")).JsonAsync(HttpStatusCode.OK)).Str("exercise"));
        var cap = XDocument.Parse(await (await traineeHttp.GetAsync($"/api/alerts/{alert}/cap")).Content.ReadAsStringAsync());
        var schemas = new XmlSchemaSet();
        schemas.Add(Cap.NamespaceName, Path.Combine(AppContext.BaseDirectory, "Standards", "CAP-v1.2.xsd"));
        cap.Validate(schemas, (_, e) => Assert.Fail(e.Message));
        Assert.Equal("Exercise", cap.Root!.Element(Cap + "status")!.Value);
        await (await citizenHttp.GetAsync($"/api/alerts/{alert}")).ProblemAsync(HttpStatusCode.NotFound, "alert-not-found");
        await (await fx.Http().GetAsync($"/api/alerts/{alert}/cap")).ProblemAsync(HttpStatusCode.NotFound, "alert-not-found");
        await cityWatcher.AssertQuietAsync("city", TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => cityWatcher.SubscribeAsync($"incident:{first}", afterSeq: 0));

        // The real incident: untouched by the exercise and unmarked everywhere.
        var realView = await (await traineeHttp.GetAsync($"/api/incidents/{real}")).JsonAsync(HttpStatusCode.OK);
        Assert.False(realView.TryGetProperty("exercise", out _));
        Assert.Equal("acknowledged", realView.Str("status"));
        Assert.Empty(realView.GetProperty("notes").EnumerateArray());
        var realEvents = (await (await traineeHttp.GetAsync($"/api/incidents/{real}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK)).GetProperty("events");
        Assert.Equal(2, realEvents.GetArrayLength());
        Assert.All(realEvents.EnumerateArray(), e => Assert.False(e.TryGetProperty("exercise", out _)));
        await (await citizenHttp.GetAsync($"/api/incidents/{real}")).JsonAsync(HttpStatusCode.OK);

        // The debrief: who did what, and the response times of the incident the trainee resolved.
        var debrief = await (await trainerHttp.GetAsync($"/api/exercises/{id}/debrief")).JsonAsync(HttpStatusCode.OK);
        var timeline = debrief.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(1, timeline.Count(e => e.Str("type") == "exercise.started"));
        Assert.Equal(1, timeline.Count(e => e.Str("type") == "exercise.completed"));
        Assert.Equal(9, timeline.Count(e => e.Str("type") == "exercise.inject"));
        Assert.Equal(1, timeline.Count(e => e.Str("type") == "exercise.alert"));
        Assert.Equal(10, timeline.Count(e => e.Str("type") == "incident.reported"));
        Assert.Equal(30, timeline.Count(e => e.Str("type") == "incident.note_added"));
        Assert.Equal(4, timeline.Count(e => e.Str("type") == "incident.status_changed" && e.GetProperty("actorName").GetString() == "Officer Rossi"));
        Assert.Equal(timeline.Select(e => DateTimeOffset.Parse(e.Str("at"))).Order(), timeline.Select(e => DateTimeOffset.Parse(e.Str("at"))));
        var incidents = debrief.GetProperty("incidents").EnumerateArray().ToList();
        Assert.Equal(10, incidents.Count);
        var worked = incidents.Single(i => i.Str("ref") == "r0");
        Assert.Equal("Officer Rossi", worked.Str("resolvedBy"));
        Assert.True(worked.GetProperty("secondsToAcknowledge").GetDouble() <= worked.GetProperty("secondsToDispatch").GetDouble());
        Assert.True(worked.GetProperty("secondsToDispatch").GetDouble() <= worked.GetProperty("secondsToResolve").GetDouble());
        var acknowledgedOnly = incidents.Single(i => i.Str("ref") == "r1");
        Assert.Equal("Officer Rossi", acknowledgedOnly.Str("acknowledgedBy"));
        Assert.Equal(JsonValueKind.Null, acknowledgedOnly.GetProperty("resolvedAt").ValueKind);

        // The same as CSV: one row per timeline entry, one per incident.
        var csv = await trainerHttp.GetAsync($"/api/exercises/{id}/debrief.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at,type,incidentRef,incidentId,actorRole,actorName,detail", lines[0]);
        Assert.Equal(timeline.Count + 1, lines.Length);
        var responses = (await (await trainerHttp.GetAsync($"/api/exercises/{id}/responses.csv")).Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, responses.Length);
        Assert.Contains(responses, r => r.StartsWith($"r0,{first},", StringComparison.Ordinal) && r.Contains("Officer Rossi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheShippedScenarioIsValidAndPlaysToItsEnd()
    {
        using var trainerHttp = fx.Http(await TrainerAsync());
        var scenario = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "docs", "exercises", "night-patrol.json"))).RootElement;
        Assert.Equal(50, scenario.GetProperty("steps").GetArrayLength());
        // 700 s of scenario time at the highest speed: 7 s.
        var id = (await (await trainerHttp.PostJsonAsync("/api/exercises", new { scenario, speed = 100 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var done = await UntilAsync(trainerHttp, id, "completed");
        Assert.Equal(50, done.GetProperty("stepsPlayed").GetInt32());
        Assert.Equal(16, done.GetProperty("incidents").EnumerateObject().Count());
        Assert.Empty(done.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task ATrainerPausesResumesStopsAndPurges()
    {
        using var trainerHttp = fx.Http(await TrainerAsync());
        var scenario = new
        {
            name = "Two steps",
            steps = new object[]
            {
                new { at = 0, kind = "report", @ref = "a", category = "noise", text = "Loud music", location = new { lat = 52.0712, lon = 4.2811 } },
                new { at = 3600, kind = "inject", text = "Never reached" },
            },
        };
        var id = (await (await trainerHttp.PostJsonAsync("/api/exercises", new { scenario, speed = 1 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var running = await UntilPlayedAsync(trainerHttp, id, 1);
        var incident = running.GetProperty("incidents").Str("a");

        var paused = await (await trainerHttp.PostAsync($"/api/exercises/{id}/pause", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("paused", paused.Str("status"));
        await Task.Delay(300);
        var stillPaused = await (await trainerHttp.GetAsync($"/api/exercises/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(paused.GetProperty("scenarioSeconds").GetDouble(), stillPaused.GetProperty("scenarioSeconds").GetDouble());
        Assert.Equal("running", (await (await trainerHttp.PostAsync($"/api/exercises/{id}/resume", null)).JsonAsync(HttpStatusCode.OK)).Str("status"));

        // Purging a running exercise is refused and removes nothing.
        await (await trainerHttp.DeleteAsync($"/api/exercises/{id}")).ProblemAsync(HttpStatusCode.Conflict, "exercise-not-ended");
        await (await trainerHttp.GetAsync($"/api/incidents/{incident}")).JsonAsync(HttpStatusCode.OK);

        var stopped = await (await trainerHttp.PostAsync($"/api/exercises/{id}/stop", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("stopped", stopped.Str("status"));
        Assert.Equal(1, stopped.GetProperty("stepsPlayed").GetInt32());
        await (await trainerHttp.PostAsync($"/api/exercises/{id}/resume", null)).ProblemAsync(HttpStatusCode.Conflict, "exercise-ended");
        Assert.Equal("stopped", (await (await trainerHttp.PostAsync($"/api/exercises/{id}/stop", null)).JsonAsync(HttpStatusCode.OK)).Str("status"));

        Assert.Equal("purged", (await (await trainerHttp.DeleteAsync($"/api/exercises/{id}")).JsonAsync(HttpStatusCode.OK)).Str("status"));
        await (await trainerHttp.GetAsync($"/api/incidents/{incident}")).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        Assert.Equal("purged", (await (await trainerHttp.DeleteAsync($"/api/exercises/{id}")).JsonAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Theory]
    [InlineData("""{ "name": "x", "steps": [ { "at": 0, "kind": "explode" } ] }""", "steps[0]: 'kind' must be one of")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 0, "kind": "inject", "txt": "typo" } ] }""", "steps[0]: unknown field 'txt'")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 0, "kind": "note", "ref": "r9", "text": "hi" } ] }""", "steps[0] (note): 'ref' \"r9\" names no incident reported by an earlier step")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 0, "kind": "report", "ref": "a", "category": "dragons", "text": "t", "location": { "lat": 52.0712, "lon": 4.2811 } } ] }""", "'category' \"dragons\" is not one of the city's categories")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 0, "kind": "report", "ref": "a", "category": "noise", "text": "t", "location": { "lat": 40, "lon": 4 } } ] }""", "is not inside the city")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 5, "kind": "inject", "text": "a" }, { "at": 1, "kind": "inject", "text": "b" } ] }""", "steps[1] (inject): 'at' (1) is earlier than the step before it")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 0, "kind": "inject", "text": "a", "visibility": "everyone" } ] }""", "'visibility' \"everyone\" is not one of")]
    [InlineData("""{ "name": "x", "steps": [] }""", "'steps' must hold 1 to 1000 steps")]
    [InlineData("""{ "name": "x", "steps": [ { "at": 0, "kind": "alert", "neighbourhood": "atlantis", "headline": "h", "text": "t" } ] }""", "'neighbourhood' \"atlantis\" is not one of the city's neighbourhoods")]
    public async Task ABadScenarioIsAClearProblemAndCreatesNothing(string scenario, string expected)
    {
        using var trainerHttp = fx.Http(await TrainerAsync());
        var key = Guid.NewGuid().ToString("N");
        var problem = await (await trainerHttp.PostJsonAsync("/api/exercises", new { scenario = JsonDocument.Parse(scenario).RootElement, speed = 10 }, key))
            .ProblemAsync(HttpStatusCode.BadRequest, "scenario-invalid");
        Assert.Contains(expected, problem.Str("detail"), StringComparison.Ordinal);

        // Nothing was started under that key: a valid scenario with it starts now.
        var valid = new { name = "ok", steps = new[] { new { at = 0, kind = "inject", text = "hello" } } };
        await (await trainerHttp.PostJsonAsync("/api/exercises", new { scenario = valid, speed = 10 }, key)).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task TheTrainerClaimIsForPoliceOnlyAndPlainPoliceCannotStartAnExercise()
    {
        using var http = fx.Http();
        await (await http.PostAsJsonAsync("/dev/token", new { sub = "c-trainer", role = "citizen", trainer = true })).ProblemAsync(HttpStatusCode.BadRequest, "trainer-invalid");
        var police = await fx.UserAsync("police");
        var valid = new { name = "ok", steps = new[] { new { at = 0, kind = "inject", text = "hello" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Http(police.Token).PostJsonAsync("/api/exercises", new { scenario = valid })).StatusCode);
    }

    private static object FiftySteps()
    {
        var steps = new List<object>();
        for (var i = 0; i < 10; i++)
        {
            var at = i * 4.0;
            steps.Add(new { at, kind = "report", @ref = $"r{i}", category = i % 2 == 0 ? "noise" : "vandalism", text = $"Exercise report {i}", location = new { lat = 52.0712 + i * 0.0001, lon = 4.2811 }, severity = "medium" });
            for (var n = 0; n < 3; n++)
            {
                steps.Add(new { at = at + 1 + n * 0.5, kind = "note", @ref = $"r{i}", text = $"Caller update {n} on report {i}", visibility = n == 0 ? "public" : "police" });
            }

            steps.Add(i < 9
                ? new { at = at + 3, kind = "inject", text = $"Radio message {i}" }
                : (object)new { at = at + 3, kind = "alert", neighbourhood = "centrum", headline = "Exercise: square closed", text = "Police activity on the square.", severity = "high" });
        }

        return new { name = "Fifty steps", steps };
    }

    private Task<string> TrainerAsync() => ExerciseClient.TrainerAsync(fx);
}
