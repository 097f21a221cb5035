using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Federation;

/// <summary>
/// A training exercise's incidents never leave the city, even where the sharing policy covers them,
/// unless the partner takes part in exercises (<c>Share:Exercises</c>); then they arrive marked with
/// their exercise, for the partner's police and council only.
/// </summary>
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

    [Fact]
    public async Task APartnerTakingPartGetsTheExercisesIncidentsMarkedForItsPoliceAndCouncilOnly()
    {
        // Both take part in each other's exercises. B shares everything with A as authorities see it;
        // A shares with B as the public sees it, and the public never sees an exercise's events.
        await using var cities = await TwoCities.StartAsync(configure: (a, b) =>
        {
            a.Set("Collab:Federation:Partners:city-b:Share:Exercises", "true");
            b.Set("Collab:Federation:Partners:city-a:Share:Exercises", "true");
        });

        // City A's police follow what B shares; A's citizens may not see an authorities share at all.
        var policeA = await cities.A.TokenAsync("police");
        await using var policeLive = await LiveClient.ConnectAsync(cities.A.Url, policeA);
        await policeLive.SubscribeAsync("partner:city-b", afterSeq: 0);

        var scenario = new
        {
            name = "Shared with a partner taking part",
            steps = new object[]
            {
                new { at = 0, kind = "report", @ref = "a", category = "noise", text = "Exercise noise", location = new { lat = 52.0712, lon = 4.2811 } },
                new { at = 0.5, kind = "note", @ref = "a", text = "Exercise authorities note", visibility = "authorities" },
            },
        };
        var (inB, noise, trainerB) = await PlayAsync(cities.B, scenario);
        var (inA, noiseOfA, _) = await PlayAsync(cities.A, scenario);

        // A's police: B's exercise report and its note, live, marked with B's exercise.
        var pushed = new List<WireEvent>();
        while (pushed.Count < 2)
        {
            pushed.Add(await policeLive.NextAsync("partner:city-b", TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(["incident.reported", "incident.note_added"], pushed.Select(e => e.Get("change")));
        Assert.All(pushed, e => Assert.Equal(noise, e.Get("incident.id")));
        Assert.All(pushed, e => Assert.Equal(inB, e.Get("incident.exercise")));
        using var police = cities.A.Http(policeA);
        var mirrored = await (await police.GetAsync($"/api/incidents/{noise}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("city-b", mirrored.Str("origin"));
        Assert.Equal(inB, mirrored.Str("exercise"));
        var listed = (await (await police.GetAsync("/api/partners/city-b/incidents")).JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal(inB, listed.Single(i => i.Str("id") == noise).Str("exercise"));

        // A's citizens: not by id, not on the stream.
        var citizenA = await cities.A.TokenAsync("citizen");
        using var citizenOfA = cities.A.Http(citizenA);
        Assert.Equal(HttpStatusCode.NotFound, (await citizenOfA.GetAsync($"/api/incidents/{noise}")).StatusCode);
        await using var citizenLive = await LiveClient.ConnectAsync(cities.A.Url, citizenA);
        await citizenLive.SubscribeAsync("partner:city-b", afterSeq: 0);
        await citizenLive.AssertQuietAsync("partner:city-b", TimeSpan.FromMilliseconds(300));

        // A real report in B after the exercise reaches A's police unmarked, after the exercise's events.
        using var citizenB = cities.B.Http(await cities.B.TokenAsync("citizen"));
        var real = (await (await citizenB.PostJsonAsync("/api/incidents", Sample.Report("noise", "Real noise"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        var realEvent = await policeLive.NextAsync("partner:city-b", TimeSpan.FromSeconds(30));
        Assert.Equal(real, realEvent.Get("incident.id"));
        Assert.Null(realEvent.Get("incident.exercise"));

        // At the wire: B's exercise went out marked. A's went nowhere, though B takes part: A shares the
        // public view, and the public never sees an exercise. A real report of A's after it does reach B.
        Assert.Contains(cities.B.Sent, body => body.Contains("Exercise noise", StringComparison.Ordinal) && body.Contains($"\"exercise\":\"{inB}\"", StringComparison.Ordinal));
        var realOfA = (await (await citizenOfA.PostJsonAsync("/api/incidents", Sample.Report("noise", "Real noise in A"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        using var policeB = cities.B.Http(await cities.B.TokenAsync("police"));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(await (await policeB.GetAsync("/api/partners/city-a/incidents")).JsonAsync(HttpStatusCode.OK)).EnumerateArray().Any(i => i.Str("id") == realOfA))
        {
            Assert.True(DateTime.UtcNow < until, "A's real incident never reached B.");
            await Task.Delay(200);
        }

        Assert.DoesNotContain(cities.A.Sent, body => body.Contains(noiseOfA, StringComparison.Ordinal) || body.Contains(inA, StringComparison.Ordinal));

        // B purges its exercise: A, which took part, forgets the incident too (no text of it travels).
        using var trainer = cities.B.Http(trainerB);
        Assert.Equal("purged", (await (await trainer.DeleteAsync($"/api/exercises/{inB}")).JsonAsync(HttpStatusCode.OK)).Str("status"));
        var purged = await policeLive.NextAsync("partner:city-b", TimeSpan.FromSeconds(30));
        Assert.Equal("incident.exercise_purged", purged.Get("change"));
        Assert.Equal(noise, purged.Get("incident.id"));
        Assert.Equal(inB, purged.Get("incident.exercise"));
        Assert.Equal("", purged.Get("incident.description"));
        Assert.Equal(HttpStatusCode.NotFound, (await police.GetAsync($"/api/incidents/{noise}")).StatusCode);
        Assert.DoesNotContain((await (await police.GetAsync("/api/partners/city-b/incidents")).JsonAsync(HttpStatusCode.OK)).EnumerateArray(), i => i.Str("id") == noise);
        // What A's police read back of the stream keeps no text of it.
        await using var lateReader = await LiveClient.ConnectAsync(cities.A.Url, policeA);
        await lateReader.SubscribeAsync("partner:city-b", afterSeq: 0);
        var replayed = new List<WireEvent>();
        while (replayed.Count < 4)
        {
            replayed.Add(await lateReader.NextAsync("partner:city-b", TimeSpan.FromSeconds(30)));
        }

        Assert.All(replayed.Where(e => e.Get("incident.id") == noise), e => Assert.Equal("", e.Get("incident.description")));
        Assert.Equal(3, replayed.Count(e => e.Get("incident.id") == noise));
    }

    /// <summary>Plays <paramref name="scenario"/> in <paramref name="city"/> to its end: the exercise's id, its incident 'a', the trainer's token.</summary>
    private static async Task<(string Exercise, string Incident, string TrainerToken)> PlayAsync(City city, object scenario)
    {
        using var anonymous = city.Http();
        var token = await (await anonymous.PostAsJsonAsync("/dev/token", new { sub = $"trainer-{city.Id}", role = "police", trainer = true })).JsonAsync(HttpStatusCode.OK);
        using var trainer = city.Http(token.Str("token"));
        var id = (await (await trainer.PostJsonAsync("/api/exercises", new { scenario, speed = 10 })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await Task.Delay(100);
            var exercise = await (await trainer.GetAsync($"/api/exercises/{id}")).JsonAsync(HttpStatusCode.OK);
            if (exercise.Str("status") == "completed") return (id, exercise.GetProperty("incidents").Str("a"), token.Str("token"));
            Assert.True(DateTime.UtcNow < until, "The exercise did not complete.");
        }
    }
}
