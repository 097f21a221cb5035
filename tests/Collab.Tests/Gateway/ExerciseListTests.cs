using System.Net;
using System.Text.Json;
using Collab.Tests.Infrastructure;
using static Collab.Tests.Gateway.ExerciseClient;

namespace Collab.Tests.Gateway;

/// <summary>
/// <c>GET /api/exercises</c> through real HTTP: trainees (police, council) see the city's exercises
/// newest first with their progress, each trainer's act reflected by the time it answers, purged
/// ones gone; bad queries are problems.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ExerciseListTests(GatewayFixture fx)
{
    /// <summary>A report at once, then an inject an hour away: the exercise stays running with one step played.</summary>
    private static object Scenario(string name) => new
    {
        name,
        steps = new object[]
        {
            new { at = 0, kind = "report", @ref = "r1", category = "noise", text = "Loud music", location = new { lat = 52.0712, lon = 4.2811 } },
            new { at = 3600, kind = "inject", text = "Much later." },
        },
    };

    [Fact]
    public async Task TraineesListTheCitysExercisesNewestFirstAndEveryActShowsByTheTimeItAnswers()
    {
        using var trainer = fx.Http(await TrainerAsync(fx, "Trainer Bianchi"));
        using var council = fx.Http((await fx.UserAsync("council")).Token);
        using var police = fx.Http((await fx.UserAsync("police")).Token);
        var first = (await (await trainer.PostJsonAsync("/api/exercises", new { scenario = Scenario("List first"), speed = 2 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var second = (await (await trainer.PostJsonAsync("/api/exercises", new { scenario = Scenario("List second"), speed = 5 })).JsonAsync(HttpStatusCode.Created)).Str("id");

        // Listed as soon as started (the start answered after the list knew), newest first.
        var listed = await ListAsync(council, "?status=running");
        var ids = listed.Select(e => e.Str("id")).ToList();
        Assert.True(ids.IndexOf(second) >= 0 && ids.IndexOf(second) < ids.IndexOf(first), string.Join(", ", ids));
        Assert.Equal(listed.Select(e => e.Str("startedAt")).OrderDescending(StringComparer.Ordinal), listed.Select(e => e.Str("startedAt")));
        var entry = listed.Single(e => e.Str("id") == second);
        Assert.Equal("List second", entry.Str("name"));
        Assert.Equal("running", entry.Str("status"));
        Assert.Equal("Trainer Bianchi", entry.Str("startedBy"));
        Assert.Equal(5, entry.GetProperty("speed").GetDouble());
        Assert.Equal(2, entry.GetProperty("stepsTotal").GetInt32());
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(entry.Str("startedAt"), System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(1));

        // The progress follows the steps played (told within a few seconds).
        var deadline = DateTime.UtcNow + Bound;
        while ((await ListAsync(police, "")).Single(e => e.Str("id") == first).GetProperty("stepsPlayed").GetInt32() < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The list never showed the step played.");
            await Task.Delay(200);
        }

        // Pause, stop, purge: each is in the list by the time the trainer's command answers.
        await (await trainer.PostAsync($"/api/exercises/{first}/pause", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("paused", (await ListAsync(council, "?status=paused")).Single(e => e.Str("id") == first).Str("status"));
        Assert.DoesNotContain(await ListAsync(council, "?status=running"), e => e.Str("id") == first);
        var both = (await ListAsync(council, "?status=running,paused")).Select(e => e.Str("id")).ToList();
        Assert.Contains(first, both);
        Assert.Contains(second, both);
        Assert.Equal(both, (await ListAsync(council, "?status=paused&status=running")).Select(e => e.Str("id")).ToList());
        // Again: the same answer and the same list.
        await (await trainer.PostAsync($"/api/exercises/{first}/pause", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("paused", (await ListAsync(council, "")).Single(e => e.Str("id") == first).Str("status"));
        await (await trainer.PostAsync($"/api/exercises/{first}/resume", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("running", (await ListAsync(council, "")).Single(e => e.Str("id") == first).Str("status"));

        Assert.Equal(second, Assert.Single(await ListAsync(police, "?limit=1")).Str("id"));
        await (await trainer.PostAsync($"/api/exercises/{second}/stop", null)).JsonAsync(HttpStatusCode.OK);
        var stopped = (await ListAsync(police, "?status=stopped")).Single(e => e.Str("id") == second);
        Assert.Equal(1, stopped.GetProperty("stepsPlayed").GetInt32());
        Assert.DoesNotContain(await ListAsync(police, "?status=running,paused"), e => e.Str("id") == second);
        await (await trainer.DeleteAsync($"/api/exercises/{second}")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(await ListAsync(police, ""), e => e.Str("id") == second);
        Assert.Contains(await ListAsync(police, ""), e => e.Str("id") == first);

        await (await trainer.PostAsync($"/api/exercises/{first}/stop", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("stopped", (await ListAsync(police, "?status=stopped")).Single(e => e.Str("id") == first).Str("status"));
    }

    [Fact]
    public async Task ACompletedExerciseIsListedAsCompleted()
    {
        using var trainer = fx.Http(await TrainerAsync(fx));
        using var council = fx.Http((await fx.UserAsync("council")).Token);
        var scenario = new { name = "List short", steps = new object[] { new { at = 0.5, kind = "inject", text = "Done." } } };
        var id = (await (await trainer.PostJsonAsync("/api/exercises", new { scenario, speed = 10 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        await UntilAsync(council, id, "completed");
        var entry = (await ListAsync(council, "?status=completed")).Single(e => e.Str("id") == id);
        Assert.Equal(1, entry.GetProperty("stepsPlayed").GetInt32());
        Assert.Equal(1, entry.GetProperty("stepsTotal").GetInt32());
    }

    [Theory]
    [InlineData("?status=finished", "status-invalid", "finished")]
    [InlineData("?status=running,", "status-invalid", "running, paused, stopped, completed")]
    [InlineData("?status=Running", "status-invalid", "Running")]
    [InlineData("?status=purged", "status-invalid", "Purged exercises are not listed")]
    [InlineData("?limit=0", "limit-invalid", "from 1 to 200")]
    [InlineData("?limit=201", "limit-invalid", "from 1 to 200")]
    [InlineData("?limit=ten", "limit-invalid", "from 1 to 200")]
    [InlineData("?limit=-1", "limit-invalid", "from 1 to 200")]
    [InlineData("?limit=1&limit=2", "limit-invalid", "one whole number")]
    public async Task ABadQueryIsAProblemThatSaysWhatIsExpected(string query, string code, string said)
    {
        using var council = fx.Http((await fx.UserAsync("council")).Token);
        var problem = await (await council.GetAsync("/api/exercises" + query)).ProblemAsync(HttpStatusCode.BadRequest, code);
        Assert.Contains(said, problem.Str("detail"), StringComparison.Ordinal);
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient http, string query) =>
        (await (await http.GetAsync("/api/exercises" + query)).JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
}
