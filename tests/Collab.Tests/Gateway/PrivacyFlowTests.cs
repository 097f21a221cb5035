using System.Net;
using System.Net.Http.Json;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>Flags, masking and erasure as clients see them, live.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PrivacyFlowTests(GatewayFixture fx)
{
    [Fact]
    public async Task NoteFlaggedByThreeCitizensIsHiddenLiveForEveryoneAndAudited()
    {
        var reporter = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var id = (await (await fx.Http(reporter.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var stream = $"incident:{id}";
        var note = await (await fx.Http(reporter.Token).PostJsonAsync($"/api/incidents/{id}/notes", new { text = "The culprit is my neighbour, call 06-12345678", visibility = "public" })).JsonAsync(HttpStatusCode.OK);
        var noteId = note.GetProperty("notes")[0].Str("eventId");
        Assert.Equal("The culprit is my neighbour, call [phone]", note.GetProperty("notes")[0].Str("text"));

        await using var policeLive = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        await using var publicLive = await LiveClient.ConnectAsync(fx.GatewayB, reporter.Token);
        await policeLive.SubscribeAsync(stream);
        await publicLive.SubscribeAsync(stream);

        for (var i = 0; i < 3; i++)
        {
            var flagger = await fx.UserAsync("citizen");
            await (await fx.Http(flagger.Token).PostJsonAsync($"/api/incidents/{id}/flags", new { eventId = noteId, reason = "DIY justice" })).JsonAsync(HttpStatusCode.OK);
        }

        foreach (var client in new[] { policeLive, publicLive })
        {
            var hidden = await client.NextAsync(stream, "incident.note_hidden");
            Assert.Equal(noteId, hidden.Get("eventId"));
            Assert.Equal("flagged-pending-review", hidden.Get("reason"));
        }

        var audit = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}/audit")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(audit.EnumerateArray(), a => a.Str("action") == "incident.note_hidden");
    }

    [Fact]
    public async Task ErasedCitizenBecomesAFormerResidentWhileTheirIncidentStays()
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        using var http = fx.Http(citizen.Token);
        await (await http.PutAsJsonAsync("/api/me", new { displayName = "Ana de Vries", language = "nl" })).JsonAsync(HttpStatusCode.OK);
        var id = (await (await http.PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "It happened at night", visibility = "authorities" })).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/me")).StatusCode);

        var me = await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("displayName").ValueKind);
        Assert.Equal(0, me.GetProperty("reports").GetArrayLength());

        using var policeHttp = fx.Http(police.Token);
        var view = await (await policeHttp.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("reported", view.Str("status"));
        Assert.Equal("former resident", view.GetProperty("notes")[0].GetProperty("author").Str("name"));
        var reporter = await (await policeHttp.GetAsync($"/api/incidents/{id}/reporter?reason=follow-up")).JsonAsync(HttpStatusCode.OK);
        Assert.True(reporter.GetProperty("erased").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, reporter.GetProperty("sub").ValueKind);

        // Replays carry the erasure too.
        var events = await (await policeHttp.GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(citizen.Sub, events.GetRawText());
        Assert.DoesNotContain("Ana de Vries", events.GetRawText());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReasonsThePublicReadsAreMaskedLikeNotesInRestReplayAndLive(bool messagePack)
    {
        const string personal = "called back on 06-12345678 and ana@example.org";
        const string masked = "called back on [phone] and [e-mail]";
        var reporter = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        using var policeHttp = fx.Http(police.Token);
        var id = (await (await fx.Http(reporter.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var stream = $"incident:{id}";
        var note = await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "We are on it", visibility = "public" })).JsonAsync(HttpStatusCode.OK);
        var noteId = note.GetProperty("notes")[0].Str("eventId");

        await using var publicLive = await LiveClient.ConnectAsync(fx.GatewayB, reporter.Token, messagePack);
        await using var policeLive = await LiveClient.ConnectAsync(fx.GatewayA, police.Token, messagePack);
        await publicLive.SubscribeAsync(stream);
        await policeLive.SubscribeAsync(stream);

        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged", reason = personal })).JsonAsync(HttpStatusCode.OK);
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/moderation", new { eventId = noteId, action = "hide", reason = personal })).JsonAsync(HttpStatusCode.OK);

        // Live, as each audience sees it.
        Assert.Equal(masked, (await publicLive.NextAsync(stream, "incident.status_changed")).Get("reason"));
        Assert.Equal(masked, (await publicLive.NextAsync(stream, "incident.note_hidden")).Get("reason"));
        Assert.Equal(personal, (await policeLive.NextAsync(stream, "incident.status_changed")).Get("reason"));
        Assert.Equal(personal, (await policeLive.NextAsync(stream, "incident.note_hidden")).Get("reason"));

        // Replayed over the hub and read over REST.
        await using var replay = await LiveClient.ConnectAsync(fx.GatewayA, reporter.Token, messagePack);
        await replay.SubscribeAsync(stream, afterSeq: 2); // after the report and the note
        Assert.Equal(masked, (await replay.NextAsync(stream, "incident.status_changed")).Get("reason"));
        Assert.Equal(masked, (await replay.NextAsync(stream, "incident.note_hidden")).Get("reason"));
        var events = (await (await fx.Http(reporter.Token).GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK)).GetRawText();
        Assert.DoesNotContain("12345678", events);
        Assert.DoesNotContain("ana@example.org", events);
        Assert.Contains("[phone]", events);
    }
}
