using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Federation;

/// <summary>A training exercise's incidents never leave the city, even where the sharing policy covers them.</summary>
[Collection(TwoCitiesCollection.Name)]
public sealed class ExerciseFederationTests
{
    [Fact]
    public async Task AnExercisesIncidentsAreNeverSharedWhileARealOneReportedAfterThemIs()
    {
        await using var cities = await TwoCities.StartAsync();
        using var anonymous = cities.A.Http();
        var token = await (await anonymous.PostAsJsonAsync("/dev/token", new { sub = "trainer-a", role = "police", trainer = true })).JsonAsync(HttpStatusCode.OK);
        using var trainer = cities.A.Http(token.Str("token"));

        // Noise and vandalism in Centrum: exactly what city A shares with city B.
        var scenario = new
        {
            name = "Shared categories",
            steps = new object[]
            {
                new { at = 0, kind = "report", @ref = "a", category = "noise", text = "Exercise noise", location = new { lat = 52.0712, lon = 4.2811 } },
                new { at = 0, kind = "report", @ref = "b", category = "vandalism", text = "Exercise vandalism", location = new { lat = 52.0713, lon = 4.2811 } },
                new { at = 0.5, kind = "note", @ref = "a", text = "Exercise public note", visibility = "public" },
            },
        };
        var id = (await (await trainer.PostJsonAsync("/api/exercises", new { scenario, speed = 10 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        JsonElement exercise;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            await Task.Delay(100);
            exercise = await (await trainer.GetAsync($"/api/exercises/{id}")).JsonAsync(HttpStatusCode.OK);
            Assert.True(DateTime.UtcNow < until, "The exercise did not complete.");
        }
        while (exercise.Str("status") != "completed");

        var exerciseIds = exercise.GetProperty("incidents").EnumerateObject().Select(p => p.Value.GetString()!).ToList();
        Assert.Equal(2, exerciseIds.Count);

        // A real report after them, in the same shared category and place: the link delivers in order,
        // so once it has arrived, anything shared before it would have too.
        using var citizen = cities.A.Http(await cities.A.TokenAsync("citizen"));
        var real = (await (await citizen.PostJsonAsync("/api/incidents", Sample.Report("noise", "Real noise"))).JsonAsync(HttpStatusCode.Created)).Str("id");

        using var police = cities.B.Http(await cities.B.TokenAsync("police"));
        List<string> shared;
        until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await police.GetAsync("/api/partners/city-a/incidents");
            shared = response.IsSuccessStatusCode
                ? (await response.JsonAsync(HttpStatusCode.OK)).EnumerateArray().Select(i => i.Str("id")).ToList()
                : [];
            if (shared.Contains(real)) break;
            Assert.True(DateTime.UtcNow < until, "The real incident never reached the partner.");
            await Task.Delay(200);
        }

        Assert.Empty(shared.Intersect(exerciseIds));
        // What A sent B holds the real report and nothing of the exercise.
        Assert.Contains(cities.A.Sent, body => body.Contains(real, StringComparison.Ordinal));
        Assert.DoesNotContain(cities.A.Sent, body => body.Contains("Exercise noise", StringComparison.Ordinal) || body.Contains(id, StringComparison.Ordinal));
    }
}
