using System.Net;
using System.Text.Json;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Federation;

/// <summary>
/// Police of a city add an <c>authorities</c> note to an incident a partner shared; it travels back
/// signed and lands in the partner's own timeline, its actor named as police of the city it came from.
/// </summary>
[Collection(TwoCitiesCollection.Name)]
public sealed class MutualAidTests
{
    private const string Text = "Unit 12 of city-a is near and can assist";

    [Fact]
    public async Task APartnersPoliceNoteLandsInTheOriginsTimelineOnceNamingTheirCityAndComesBackInTheSharedView()
    {
        await using var cities = await TwoCities.StartAsync();
        // B shares everything with A as authorities.
        var id = await ReportAsync(cities.B, "theft");
        using var policeA = cities.A.Http(await cities.A.TokenAsync("police"));
        await MirroredIncidentTests.UntilAsync(policeA, id, _ => true);

        var answer = await (await policeA.PostJsonAsync($"/api/incidents/{id}/notes", new { text = Text, visibility = "authorities" }, "aid-1")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("city-b", id), (answer.Str("origin"), answer.Str("id")));
        var mine = Assert.Single(answer.GetProperty("notes").EnumerateArray(), n => n.Str("text") == Text);
        Assert.Equal(("police", "city-a", "authorities"), (mine.GetProperty("author").Str("role"), mine.GetProperty("author").Str("city"), mine.Str("visibility")));

        // Retried with the same key (e.g. the answer was lost): nothing added.
        (await policeA.PostJsonAsync($"/api/incidents/{id}/notes", new { text = Text, visibility = "authorities" }, "aid-1")).EnsureSuccessStatusCode();

        // In B's own timeline, once, by police of city-a.
        using var policeB = cities.B.Http(await cities.B.TokenAsync("police"));
        var events = await (await policeB.GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
        var added = Assert.Single(events.GetProperty("events").EnumerateArray(), e => e.Str("type") == "incident.note_added");
        Assert.Equal(("police", "city-a"), (added.GetProperty("actor").Str("role"), added.GetProperty("actor").Str("city")));
        Assert.Equal((Text, "authorities"), (added.GetProperty("data").GetProperty("note").Str("text"), added.GetProperty("data").GetProperty("note").Str("visibility")));
        using var councilB = cities.B.Http(await cities.B.TokenAsync("council"));
        var atB = await (await councilB.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("city-a", Assert.Single(atB.GetProperty("notes").EnumerateArray()).GetProperty("author").Str("city"));
        Assert.False(atB.TryGetProperty("origin", out _));

        // B shares the change with A like any other: A's mirror shows the note; A never re-shares it.
        var back = await MirroredIncidentTests.UntilAsync(policeA, id, i => i.GetProperty("notes").GetArrayLength() == 1);
        Assert.Equal(Text, back.GetProperty("notes")[0].Str("text"));
        Assert.True(cities.A.Sent.Count(body => body.Contains(Text, StringComparison.Ordinal)) >= 2);
        Assert.DoesNotContain(cities.A.Sent, body => body.Contains(id, StringComparison.Ordinal));
        await using (var live = await LiveClient.ConnectAsync(cities.B.Url, await cities.B.TokenAsync("police")))
        {
            Assert.Equal(0, (await live.SubscribeAsync("partner:city-a", 0)).CurrentSeq);
        }

        // Refused, with nothing added: not police, not an authorities note, the same key for another text.
        using var councilA = cities.A.Http(await cities.A.TokenAsync("council"));
        await (await councilA.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Council note", visibility = "authorities" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "partner-note-forbidden");
        await (await policeA.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Public note", visibility = "public" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "partner-note-visibility");
        await (await policeA.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Another text", visibility = "authorities" }, "aid-1"))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        await (await policeA.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Bad \u202E text", visibility = "authorities" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "text-invalid");
        var after = await (await policeB.GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(events.GetProperty("head").GetInt64(), after.GetProperty("head").GetInt64());

        // B down: 503 with Retry-After; nothing to retry but the same key later.
        await cities.B.StopAsync();
        using var down = await policeA.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "While B is down", visibility = "authorities" }, "aid-2");
        Assert.NotNull(down.Headers.RetryAfter);
        await down.ProblemAsync(HttpStatusCode.ServiceUnavailable, "partner-unavailable");
    }

    [Fact]
    public async Task AnIncidentTheOriginDoesNotShareWithThePartnerCannotBeAnnotatedByIt()
    {
        await using var cities = await TwoCities.StartAsync();
        // A shares noise and vandalism in Centrum with B, not theft: B's police cannot reach A's theft,
        // neither through B's API nor by signing a note for it themselves.
        var theft = await ReportAsync(cities.A, "theft");
        using var policeB = cities.B.Http(await cities.B.TokenAsync("police"));
        await (await policeB.PostJsonAsync($"/api/incidents/{theft}/notes", new { text = Text, visibility = "authorities" }))
            .ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");

        var b = TestCities.Signer("city-b", TestCities.Options(cities.B.Key, ("city-a", [cities.A.Key.PublicPem])));
        var path = Collab.Federation.FederationSignature.NotesPath(theft);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { id = "forged-1", text = Text, language = "en" });
        using var http = cities.A.Http();
        // Signed for this incident: not shared with B, so no such incident for B.
        await (await SendNoteAsync(http, path, b.Sign("city-a", "POST", path, body), body)).ProblemAsync(HttpStatusCode.NotFound, "incident-not-found");
        // Signed for another incident: refused.
        var other = Collab.Federation.FederationSignature.NotesPath(Guid.NewGuid().ToString());
        await (await SendNoteAsync(http, path, b.Sign("city-a", "POST", other, body), body)).ProblemAsync(HttpStatusCode.Unauthorized, "federation-signature-invalid");

        using var policeA = cities.A.Http(await cities.A.TokenAsync("police"));
        var events = await (await policeA.GetAsync($"/api/incidents/{theft}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, events.GetProperty("head").GetInt64());
    }

    private static async Task<HttpResponseMessage> SendNoteAsync(HttpClient http, string path, string signature, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", signature);
        return await http.SendAsync(request);
    }

    private static async Task<string> ReportAsync(City city, string category)
    {
        using var http = city.Http(await city.TokenAsync("citizen"));
        return (await (await http.PostJsonAsync("/api/incidents", Sample.Report(category, "Needs help from a partner"))).JsonAsync(HttpStatusCode.Created)).Str("id");
    }
}
