using System.Net;
using Collab.Realtime;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Federation;

/// <summary>A citizen who erases themselves is anonymised at every partner that received their incidents (GDPR Art. 17(2)).</summary>
[Collection(TwoCitiesCollection.Name)]
public sealed class FederatedErasureTests
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnErasureReachesThePartnerWhichAnonymisesTheIncidentAndItsStreamOnce()
    {
        await using var cities = await TwoCities.StartAsync();
        var reporter = await cities.A.TokenAsync("citizen", sub: $"erase-me-{Guid.NewGuid():N}");
        using var citizen = cities.A.Http(reporter);
        var id = (await (await citizen.PostJsonAsync("/api/incidents", Sample.Report("noise", "Loud music every night"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        var other = (await (await citizen.PostJsonAsync("/api/incidents", Sample.Report("theft", "Not shared with B"))).JsonAsync(HttpStatusCode.Created)).Str("id");
        (await citizen.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Still loud at midnight", visibility = "public" })).EnsureSuccessStatusCode();
        using (var police = cities.A.Http(await cities.A.TokenAsync("police")))
        {
            (await police.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "A patrol will pass by", visibility = "public" })).EnsureSuccessStatusCode();
        }

        using var policeB = cities.B.Http(await cities.B.TokenAsync("police"));
        var before = await MirroredIncidentTests.UntilAsync(policeB, id, i => i.GetProperty("notes").GetArrayLength() == 2);
        Assert.Equal(JsonNull, Author(before, "Still loud at midnight").GetProperty("name").ValueKind);

        (await citizen.DeleteAsync("/api/me")).EnsureSuccessStatusCode();

        // B's copy: the reporter's note is by a former resident now; the police note is untouched.
        var after = await MirroredIncidentTests.UntilAsync(policeB, id, i => Author(i, "Still loud at midnight").TryGetProperty("name", out var n) && n.GetString() == "former resident");
        Assert.Equal(("citizen", "former resident"), (Author(after, "Still loud at midnight").Str("role"), Author(after, "Still loud at midnight").Str("name")));
        Assert.Equal("police", Author(after, "A patrol will pass by").Str("role"));

        // B's stream: every view of the incident it still holds is anonymised, and the erasure is one change.
        await using var live = await LiveClient.ConnectAsync(cities.B.Url, await cities.B.TokenAsync("police"));
        var head = (await live.SubscribeAsync("partner:city-a", 0)).CurrentSeq;
        var events = new List<WireEvent>();
        for (var i = 0; i < head; i++) events.Add(await live.NextAsync("partner:city-a", Arrival));
        Assert.Equal([EventTypes.IncidentReported, EventTypes.NoteAdded, EventTypes.NoteAdded, EventTypes.ReporterErased], events.Select(e => e.Get("change")));
        Assert.All(events, e => Assert.Equal(id, e.Get("incident.id")));
        Assert.All(events.Skip(1), e => Assert.Equal("former resident",
            Author(System.Text.Json.JsonDocument.Parse($"{{\"notes\":{e.Get("incident.notes")}}}").RootElement, "Still loud at midnight").GetProperty("name").GetString()));

        // It went to B, signed like every batch; nothing of the unshared incident did.
        Assert.Single(cities.A.Sent, body => body.Contains(EventTypes.ReporterErased, StringComparison.Ordinal));
        Assert.DoesNotContain(cities.A.Sent, body => body.Contains(other, StringComparison.Ordinal));

        // Erasing again changes nothing more at B.
        (await citizen.DeleteAsync("/api/me")).EnsureSuccessStatusCode();
        await live.AssertQuietAsync("partner:city-a", TimeSpan.FromSeconds(2));
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    private static System.Text.Json.JsonElement Author(System.Text.Json.JsonElement incident, string text) =>
        incident.GetProperty("notes").EnumerateArray().Single(n => n.Str("text") == text).GetProperty("author");
}
