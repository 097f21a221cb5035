using System.Net;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>The core flow through real sockets: REST commands in, SignalR pushes out, role by role.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LiveFlowTests(GatewayFixture fx)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(600);

    [Fact]
    public async Task CitizenReportFlowsToPoliceCouncilAndReporterWithRoleScopedViews()
    {
        var citizen = await fx.UserAsync("citizen", name: "Ana Reporter");
        var other = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police", name: "Officer Jansen");
        var council = await fx.UserAsync("council");
        const string hood = "neighbourhood:centrum";

        await using var policeLive = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        await using var councilLive = await LiveClient.ConnectAsync(fx.GatewayA, council.Token);
        await using var citizenLive = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token);
        await using var otherLive = await LiveClient.ConnectAsync(fx.GatewayA, other.Token);
        Assert.Equal("police", (await policeLive.SubscribeAsync(hood)).Audience);
        Assert.Equal("council", (await councilLive.SubscribeAsync(hood)).Audience);
        await citizenLive.SubscribeAsync("me");

        // 1. A citizen reports; police and council following the neighbourhood hear of it.
        using var citizenHttp = fx.Http(citizen.Token);
        var created = await (await citizenHttp.PostJsonAsync("/api/incidents", Sample.Report(), "report-1")).JsonAsync(HttpStatusCode.Created);
        var id = created.Str("id");
        var stream = $"incident:{id}";
        Assert.False(created.TryGetProperty("reporter", out _));
        Assert.True(created.GetProperty("locationBlurred").GetBoolean());

        var policeSeen = await NextFor(policeLive, hood, id);
        var councilSeen = await NextFor(councilLive, hood, id);
        Assert.Equal("false", policeSeen.Get("incident.locationBlurred"));
        Assert.Equal("reported", councilSeen.Get("incident.status"));
        Assert.Equal("Vandalism", councilSeen.Get("incident.categoryName"));
        Assert.Equal("report.received", (await citizenLive.NextAsync("me", "me.notification")).Get("kind"));

        await policeLive.SubscribeAsync(stream, afterSeq: 0);
        await citizenLive.SubscribeAsync(stream, afterSeq: 0);
        await otherLive.SubscribeAsync(stream, afterSeq: 0);
        var reportedForPolice = await policeLive.NextAsync(stream, "incident.reported");
        Assert.Equal(1, reportedForPolice.Seq);
        Assert.Null(reportedForPolice.Actor.Name);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", reportedForPolice.OccurredAt);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", reportedForPolice.Get("incident.reportedAt"));
        var reportedForCitizen = await citizenLive.NextAsync(stream, "incident.reported");
        Assert.Null(reportedForCitizen.Actor.Name);
        Assert.Equal(reportedForPolice.Id, reportedForCitizen.Id);
        await otherLive.NextAsync(stream, "incident.reported");

        // 2. Police acknowledge and assign: the incident stream and the reporter's 'me' stream hear it.
        using var policeHttp = fx.Http(police.Token);
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" })).JsonAsync(HttpStatusCode.OK);
        var ack = await citizenLive.NextAsync(stream, "incident.status_changed");
        Assert.Equal(2, ack.Seq);
        Assert.Equal("acknowledged", ack.Get("to"));
        Assert.Equal("acknowledged", (await policeLive.NextAsync(stream, "incident.status_changed")).Get("to"));
        Assert.Equal(2, (await otherLive.NextAsync(stream, "incident.status_changed")).Seq);
        var meAck = await citizenLive.NextAsync("me", "me.notification");
        Assert.Equal("report.status_changed", meAck.Get("kind"));
        Assert.Equal("acknowledged", meAck.Get("status"));

        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = "Unit 12" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Unit 12", (await policeLive.NextAsync(stream, "incident.assigned")).Get("unit"));
        Assert.Null((await citizenLive.NextAsync(stream, "incident.assigned")).Get("unit"));
        Assert.Null((await otherLive.NextAsync(stream, "incident.assigned")).Get("unit"));
        Assert.Equal("report.assigned", (await citizenLive.NextAsync("me", "me.notification")).Get("kind"));

        // 3. A police-only note reaches police and no citizen: the citizens' next event is the public note, seq contiguous.
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Suspect known to us", visibility = "police" })).JsonAsync(HttpStatusCode.OK);
        var policeNote = await policeLive.NextAsync(stream, "incident.note_added");
        Assert.Equal("Suspect known to us", policeNote.Get("note.text"));

        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Officers are on their way", visibility = "public" })).JsonAsync(HttpStatusCode.OK);
        var publicNoteForPolice = await policeLive.NextAsync(stream, "incident.note_added");
        Assert.Equal(policeNote.Seq + 1, publicNoteForPolice.Seq);
        foreach (var c in new[] { citizenLive, otherLive })
        {
            var publicNote = await c.NextAsync(stream, "incident.note_added");
            Assert.Equal("Officers are on their way", publicNote.Get("note.text"));
            Assert.Equal(4, publicNote.Seq);
            Assert.Equal(publicNoteForPolice.Id, publicNote.Id);
        }

        // 4. Hiding the public note reaches everyone at once.
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/moderation", new { eventId = publicNoteForPolice.Id, action = "hide", reason = "Operational detail" })).JsonAsync(HttpStatusCode.OK);
        foreach (var c in new[] { citizenLive, otherLive, policeLive })
        {
            var hidden = await c.NextAsync(stream, "incident.note_hidden");
            Assert.Equal(publicNoteForPolice.Id, hidden.Get("eventId"));
        }

        // The citizens' timeline never showed the police-only note; nothing else arrived.
        await citizenLive.AssertQuietAsync(stream, Quiet);
        await otherLive.AssertQuietAsync(stream, Quiet);

        // And the snapshot agrees: the public view holds neither the police note nor the hidden text nor the reporter.
        using var otherHttp = fx.Http(other.Token);
        var publicView = await (await otherHttp.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        var notes = publicView.GetProperty("notes").EnumerateArray().ToList();
        Assert.Single(notes);
        Assert.True(notes[0].GetProperty("hidden").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, notes[0].GetProperty("text").ValueKind);
        Assert.DoesNotContain(citizen.Sub, publicView.GetRawText());
        var policeView = await (await policeHttp.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(citizen.Sub, policeView.GetRawText());
        Assert.Equal(2, policeView.GetProperty("notes").GetArrayLength());

        // Police learn who reported only through an audited reveal; nobody else can.
        await (await otherHttp.GetAsync($"/api/incidents/{id}/reporter?reason=curious")).ProblemAsync(HttpStatusCode.Forbidden);
        var reporter = await (await policeHttp.GetAsync($"/api/incidents/{id}/reporter?reason=witness%20statement")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(citizen.Sub, reporter.Str("sub"));
        var audit = await (await policeHttp.GetAsync($"/api/incidents/{id}/audit")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(audit.EnumerateArray(), a => a.Str("action") == "reporter.revealed" && a.Str("actorId") == police.Sub);
    }

    private static async Task<WireEvent> NextFor(LiveClient client, string stream, string incidentId)
    {
        while (true)
        {
            var e = await client.NextAsync(stream, "neighbourhood.incident_updated");
            if (e.Get("incident.id") == incidentId)
            {
                return e;
            }
        }
    }
}
