using System.Net;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Collab.Tests.Gateway.ExerciseClient;

namespace Collab.Tests.Gateway;

/// <summary>
/// An exercise pushed live on <c>exercise:{id}</c> to real SignalR clients (police and council;
/// citizens and operators refused), resumable after a seq on another gateway; controlled only by
/// the trainer who started it or a supervisor, every act attributed; and its activity counted in
/// the metrics apart from real activity.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ExerciseLiveTests(GatewayFixture fx)
{
    /// <summary>A briefing, a report the trainee moves on before the scenario's own status step (refused), and a closing inject.</summary>
    private static readonly object Scenario = new
    {
        name = "Live",
        steps = new object[]
        {
            new { at = 0, kind = "inject", text = "Briefing: two units on patrol." },
            new { at = 0, kind = "report", @ref = "r1", category = "noise", text = "Loud music", location = new { lat = 52.0712, lon = 4.2811 } },
            new { at = 5, kind = "status", @ref = "r1", status = "acknowledged" },
            new { at = 5.5, kind = "inject", text = "End of the exercise." },
        },
    };

    [Fact]
    public async Task TraineesFollowTheExerciseLiveAndResumeAfterTheirLastSeqOnAnotherGateway()
    {
        var trainerToken = await TrainerAsync(fx, "Trainer Bianchi");
        using var trainerHttp = fx.Http(trainerToken);
        var police = await fx.UserAsync("police", name: "Officer Rossi");
        using var policeHttp = fx.Http(police.Token);
        var id = (await (await trainerHttp.PostJsonAsync("/api/exercises", new { scenario = Scenario, speed = 1 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var stream = $"exercise:{id}";

        // Police follow it from the start; its first three events come as they are played.
        await using var trainee = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        var subscribed = await trainee.SubscribeAsync(stream, afterSeq: 0);
        Assert.Equal(stream, subscribed.Stream);
        Assert.Equal("police", subscribed.Audience);
        var started = await trainee.NextAsync(stream, "exercise.started", Bound);
        Assert.Equal("Live", started.Get("text"));
        Assert.Equal("Trainer Bianchi", started.Actor.Name);
        var briefing = await trainee.NextAsync(stream, "exercise.inject", Bound);
        Assert.Equal("Briefing: two units on patrol.", briefing.Get("text"));
        Assert.Equal("0", briefing.Get("step.index"));
        var reported = await trainee.NextAsync(stream, "exercise.step_played", Bound);
        Assert.Equal("report", reported.Get("step.kind"));
        Assert.Equal("r1", reported.Get("step.ref"));
        Assert.Equal("Exercise control", reported.Actor.Name);
        var incident = reported.Get("step.incidentId")!;

        // The trainer holds the clock while the trainee acknowledges the report first.
        await (await trainerHttp.PostAsync($"/api/exercises/{id}/pause", null)).JsonAsync(HttpStatusCode.OK);
        var paused = await trainee.NextAsync(stream, "exercise.paused", Bound);
        Assert.Equal("paused", paused.Get("status"));
        await (await policeHttp.PostJsonAsync($"/api/incidents/{incident}/status", new { status = "acknowledged" })).JsonAsync(HttpStatusCode.OK);
        await (await trainerHttp.PostAsync($"/api/exercises/{id}/resume", null)).JsonAsync(HttpStatusCode.OK);

        // Council, on the other gateway, resumes after the third event and gets the rest, in order.
        var council = await fx.UserAsync("council");
        await using var councillor = await LiveClient.ConnectAsync(fx.GatewayB, council.Token);
        await councillor.SubscribeAsync(stream, afterSeq: 3);

        var rest = new List<WireEvent> { paused };
        while (rest[^1].Type != "exercise.completed")
        {
            rest.Add(await trainee.NextAsync(stream, Bound));
        }

        Assert.Equal(["exercise.paused", "exercise.resumed", "exercise.step_refused", "exercise.inject", "exercise.completed"], rest.Select(e => e.Type));
        var refused = rest[2];
        Assert.Equal("2", refused.Get("step.index"));
        Assert.Equal(incident, refused.Get("step.incidentId"));
        Assert.Contains("steps[2] (status r1)", refused.Get("text"), StringComparison.Ordinal);
        Assert.Equal("4", rest[^1].Get("stepsPlayed"));
        Assert.Equal("completed", rest[^1].Get("status"));

        // Contiguous from 1, every event marked with the exercise.
        var all = new[] { started, briefing, reported }.Concat(rest).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Seq));
        Assert.All(all, e => Assert.Equal(id, e.Exercise));
        Assert.All(all, e => Assert.Equal(stream, e.Stream));

        // The council trainee: exactly the events after seq 3, the same ids.
        var seen = new List<WireEvent>();
        while (seen.Count < all.Count - 3)
        {
            seen.Add(await councillor.NextAsync(stream, Bound));
        }

        Assert.Equal(all.Skip(3).Select(e => (e.Seq, e.Id)), seen.Select(e => (e.Seq, e.Id)));
        await councillor.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(200));

        // The same injects as the REST view, which is what polling clients read.
        var view = await (await policeHttp.GetAsync($"/api/exercises/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(all.Where(e => e.Type == "exercise.inject").Select(e => e.Get("text")), view.GetProperty("injects").EnumerateArray().Select(i => i.Str("text")));
    }

    [Fact]
    public async Task CitizensOperatorsAndUnknownExercisesAreRefused()
    {
        using var trainerHttp = fx.Http(await TrainerAsync(fx));
        var id = (await (await trainerHttp.PostJsonAsync("/api/exercises", new { scenario = Scenario, speed = 100 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        foreach (var role in new[] { "citizen", "operator" })
        {
            await using var client = await LiveClient.ConnectAsync(fx.GatewayA, (await fx.UserAsync(role)).Token);
            var refused = await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync($"exercise:{id}", 0));
            Assert.Contains("Exercise streams are for police and council", refused.Message, StringComparison.Ordinal);
        }

        await using var police = await LiveClient.ConnectAsync(fx.GatewayA, (await fx.UserAsync("police")).Token);
        foreach (var unknown in new[] { $"exercise:{Guid.NewGuid()}", "exercise:not-an-id", "exercise:" })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => police.SubscribeAsync(unknown, 0));
            Assert.Contains("Unknown stream", refused.Message, StringComparison.Ordinal);
        }

        await UntilAsync(trainerHttp, id, "completed");
    }

    [Fact]
    public async Task OnlyTheStartingTrainerOrASupervisorControlsAnExerciseAndEveryActIsAttributed()
    {
        var owner = fx.Http(await TrainerAsync(fx, "Trainer Bianchi"));
        using var other = fx.Http(await TrainerAsync(fx, "Trainer Verdi"));
        using var supervisor = fx.Http(await TrainerAsync(fx, "Supervisor Neri", supervisor: true));
        using var plainPolice = fx.Http((await fx.UserAsync("police")).Token);
        var scenario = new { name = "Long", steps = new object[] { new { at = 3600, kind = "inject", text = "Never reached" } } };
        var started = await (await owner.PostJsonAsync("/api/exercises", new { scenario, speed = 1 })).JsonAsync(HttpStatusCode.Created);
        var id = started.Str("id");
        Assert.Equal("Trainer Bianchi", started.Str("startedBy"));

        // Another trainer: 403 exercise-not-yours for every control, and nothing changes; plain police are no trainers at all.
        foreach (var (method, path) in new[] { ("POST", "pause"), ("POST", "stop"), ("DELETE", "") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/exercises/{id}/{path}".TrimEnd('/'));
            await (await other.SendAsync(request)).ProblemAsync(HttpStatusCode.Forbidden, "exercise-not-yours");
            using var again = new HttpRequestMessage(new HttpMethod(method), $"/api/exercises/{id}/{path}".TrimEnd('/'));
            await (await plainPolice.SendAsync(again)).ProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.Equal("running", (await (await owner.GetAsync($"/api/exercises/{id}")).JsonAsync(HttpStatusCode.OK)).Str("status"));

        // The owner pauses, the other trainer may not resume, a supervisor may and stops it; the owner purges.
        Assert.Equal("paused", (await (await owner.PostAsync($"/api/exercises/{id}/pause", null)).JsonAsync(HttpStatusCode.OK)).Str("status"));
        await (await other.PostAsync($"/api/exercises/{id}/resume", null)).ProblemAsync(HttpStatusCode.Forbidden, "exercise-not-yours");
        Assert.Equal("running", (await (await supervisor.PostAsync($"/api/exercises/{id}/resume", null)).JsonAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("stopped", (await (await supervisor.PostAsync($"/api/exercises/{id}/stop", null)).JsonAsync(HttpStatusCode.OK)).Str("status"));
        await (await other.DeleteAsync($"/api/exercises/{id}")).ProblemAsync(HttpStatusCode.Forbidden, "exercise-not-yours");
        Assert.Equal("purged", (await (await owner.DeleteAsync($"/api/exercises/{id}")).JsonAsync(HttpStatusCode.OK)).Str("status"));

        var timeline = (await (await owner.GetAsync($"/api/exercises/{id}/debrief")).JsonAsync(HttpStatusCode.OK)).GetProperty("timeline").EnumerateArray()
            .Select(e => (e.Str("type"), e.GetProperty("actorName").GetString())).ToList();
        Assert.Equal(
            [("exercise.started", "Trainer Bianchi"), ("exercise.paused", "Trainer Bianchi"), ("exercise.resumed", "Supervisor Neri"),
             ("exercise.stopped", "Supervisor Neri"), ("exercise.purged", "Trainer Bianchi")],
            timeline);

        // A supervisor's claim is for trainers only.
        using var anonymous = fx.Http();
        await (await anonymous.PostJsonAsync("/dev/token", new { sub = "not-a-trainer", role = "police", supervisor = true })).ProblemAsync(HttpStatusCode.BadRequest, "supervisor-invalid");
        owner.Dispose();
    }

    /// <summary>
    /// Hub commands are counted exactly (no test outside this serial collection sends one); deliveries
    /// of other collections' in-process gateways may run meanwhile, so for them only what cannot be
    /// another test's is counted exactly: events of an exercise's own stream.
    /// </summary>
    [Fact]
    public async Task AnExercisesActivityCountsInTheExerciseSeriesAndNotInTheRealOnes()
    {
        using var scrape = fx.Http();
        var police = await fx.UserAsync("police");
        using var policeHttp = fx.Http(police.Token);
        using var trainerHttp = fx.Http(await TrainerAsync(fx));
        await using var trainee = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        // The exporter answers a scrape from its cache for 300 ms: wait that out, so this reading is
        // taken now and not before an earlier test's last commands.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var before = MetricsScrape.Parse(await MetricsScrape.TextAsync(scrape));

        // An exercise report, pushed live to a trainee following the exercise, and the trainee's command on its incident.
        var scenario = new { name = "Metrics", steps = new object[] { new { at = 3, kind = "report", @ref = "r1", category = "noise", text = "Exercise noise", location = new { lat = 52.0712, lon = 4.2811 } } } };
        var id = (await (await trainerHttp.PostJsonAsync("/api/exercises", new { scenario, speed = 1 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        await trainee.SubscribeAsync($"exercise:{id}", afterSeq: 0);
        await trainee.NextAsync($"exercise:{id}", "exercise.started", Bound);
        var incident = (await trainee.NextAsync($"exercise:{id}", "exercise.step_played", Bound)).Get("step.incidentId")!;
        await trainee.SubscribeAsync($"incident:{incident}", afterSeq: 0);
        Assert.Equal("incident.reported", (await trainee.NextAsync($"incident:{incident}", Bound)).Type);
        await trainee.Connection.InvokeAsync<System.Text.Json.JsonElement>("ChangeStatus", incident, new { status = "acknowledged" }, null);
        await trainee.NextAsync($"incident:{incident}", "incident.status_changed", Bound);
        // Commands the exercise's incident refuses (no way back to reported) are exercise activity too, on both channels.
        var refused = await Assert.ThrowsAsync<HubException>(() => trainee.Connection.InvokeAsync<System.Text.Json.JsonElement>("ChangeStatus", incident, new { status = "reported" }, null));
        Assert.Contains("HubException: invalid-transition: ", refused.Message, StringComparison.Ordinal);
        var problem = await (await policeHttp.PostJsonAsync($"/api/incidents/{incident}/status", new { status = "reported" })).ProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        // The caller is not told it was an exercise's refusal: the problem is the usual one.
        Assert.False(problem.TryGetProperty("exercise", out _));

        const string exerciseRefusedHub = "collab_commands_total{channel=\"hub\",command=\"ChangeStatus\",exercise=\"true\",outcome=\"refused\"}";
        const string realRefusedHub = "collab_commands_total{channel=\"hub\",command=\"ChangeStatus\",exercise=\"false\",outcome=\"refused\"}";
        const string exerciseRefusedRest = "collab_commands_total{channel=\"rest\",command=\"ChangeStatus\",exercise=\"true\",outcome=\"refused\"}";
        const string exerciseStatus = "collab_commands_total{channel=\"hub\",command=\"ChangeStatus\",exercise=\"true\",outcome=\"ok\"}";
        const string realStatus = "collab_commands_total{channel=\"hub\",command=\"ChangeStatus\",exercise=\"false\",outcome=\"ok\"}";
        const string exerciseOnIncidents = "collab_deliveries_total{audience=\"police\",exercise=\"true\",kind=\"incident\"}";
        const string exerciseStream = "collab_deliveries_total{audience=\"police\",exercise=\"true\",kind=\"exercise\"}";
        const string exerciseStreamAsReal = "collab_deliveries_total{audience=\"police\",exercise=\"false\",kind=\"exercise\"}";
        var during = await MetricsScrape.UntilAsync(scrape, s => Delta(s, exerciseStatus) >= 1 && Delta(s, exerciseOnIncidents) >= 1 && Delta(s, exerciseStream) >= 1
            && Delta(s, exerciseRefusedHub) >= 1 && Delta(s, exerciseRefusedRest) >= 1);
        Assert.Equal(1, Delta(during, exerciseStatus));
        Assert.Equal(1, Delta(during, exerciseRefusedHub));
        Assert.Equal(0, Delta(during, realRefusedHub));
        Assert.True(Delta(during, exerciseRefusedRest) >= 1);
        Assert.Equal(0, Delta(during, realStatus));
        // The report step (on the exercise's stream) and the status change (on its incident's) were pushed as exercise activity.
        Assert.True(Delta(during, exerciseStream) >= 1, $"exercise stream deliveries: {Delta(during, exerciseStream)}");
        Assert.True(Delta(during, exerciseOnIncidents) >= 1, $"exercise incident deliveries: {Delta(during, exerciseOnIncidents)}");
        Assert.Equal(0, during.GetValueOrDefault(exerciseStreamAsReal));
        Assert.True(Delta(during, "collab_commands_total{channel=\"rest\",command=\"StartExercise\",exercise=\"true\",outcome=\"ok\"}") >= 1);
        Assert.Equal(0, during.GetValueOrDefault("collab_commands_total{channel=\"rest\",command=\"StartExercise\",exercise=\"false\",outcome=\"ok\"}"));

        // A real report and the same command on it: the real series moves, the exercise's does not.
        var real = (await (await policeHttp.PostJsonAsync("/api/incidents", Sample.Report("noise", "Real noise"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        await trainee.SubscribeAsync($"incident:{real}", afterSeq: 0);
        await trainee.NextAsync($"incident:{real}", "incident.reported", Bound);
        await trainee.Connection.InvokeAsync<System.Text.Json.JsonElement>("ChangeStatus", real, new { status = "acknowledged" }, null);
        await trainee.NextAsync($"incident:{real}", "incident.status_changed", Bound);
        var after = await MetricsScrape.UntilAsync(scrape, s => Delta(s, realStatus) >= 1);
        Assert.Equal(1, Delta(after, realStatus));
        Assert.Equal(1, Delta(after, exerciseStatus));
        Assert.True(Delta(after, "collab_deliveries_total{audience=\"police\",exercise=\"false\",kind=\"incident\"}") >= 1);

        double Delta(Dictionary<string, double> now, string series) => now.GetValueOrDefault(series) - before.GetValueOrDefault(series);
    }
}
