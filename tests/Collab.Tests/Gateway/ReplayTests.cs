using System.Net;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>Resuming a stream after a drop, and following a stream across gateways.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ReplayTests(GatewayFixture fx)
{
    [Fact]
    public async Task ClientThatMissedThreeEventsReceivesExactlyThoseInOrderOnResubscribe()
    {
        var reporter = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        using var policeHttp = fx.Http(police.Token);
        var id = (await (await fx.Http(reporter.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var stream = $"incident:{id}";

        long lastSeq;
        await using (var first = await LiveClient.ConnectAsync(fx.GatewayA, police.Token))
        {
            await first.SubscribeAsync(stream, afterSeq: 0);
            lastSeq = (await first.NextAsync(stream, "incident.reported")).Seq;
        }

        // Three events happen while the client is away.
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" })).JsonAsync(HttpStatusCode.OK);
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "one", visibility = "police" })).JsonAsync(HttpStatusCode.OK);
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = "Unit 7" })).JsonAsync(HttpStatusCode.OK);

        await using var again = await LiveClient.ConnectAsync(fx.GatewayB, police.Token);
        var result = await again.SubscribeAsync(stream, afterSeq: lastSeq);
        Assert.Equal(3, result.Replayed);
        Assert.Equal(lastSeq + 3, result.CurrentSeq);
        Assert.Equal(new[] { "incident.status_changed", "incident.note_added", "incident.assigned" },
            new[] { await again.NextAsync(stream), await again.NextAsync(stream), await again.NextAsync(stream) }
                .Select((e, i) => { Assert.Equal(lastSeq + 1 + i, e.Seq); return e.Type; }));

        // Then live, with no duplicate at the seam.
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "live", visibility = "public" })).JsonAsync(HttpStatusCode.OK);
        var live = await again.NextAsync(stream, "incident.note_added");
        Assert.Equal(lastSeq + 4, live.Seq);
        await again.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task AResumeAboveTheHeadIsToldToResyncAndThenReceivesTheNextEvent()
    {
        var reporter = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        using var policeHttp = fx.Http(police.Token);
        var id = (await (await fx.Http(reporter.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var stream = $"incident:{id}";
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "one", visibility = "police" })).JsonAsync(HttpStatusCode.OK);
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "two", visibility = "public" })).JsonAsync(HttpStatusCode.OK);
        const long head = 3;

        // A client that claims more than the stream ever had (e.g. its history was lost in a restart).
        await using var client = await LiveClient.ConnectAsync(fx.GatewayB, police.Token);
        var result = await client.SubscribeAsync(stream, afterSeq: head + 3);
        var resync = await client.NextResyncAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(stream, resync.Stream);
        Assert.Equal("ahead-of-stream", resync.Reason);
        Assert.Equal(head, result.CurrentSeq);
        Assert.Equal(0, result.Replayed);

        // Then live as usual: the next event is the stream's next number, which the client now expects.
        await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "live", visibility = "public" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(head + 1, (await client.NextAsync(stream, "incident.note_added")).Seq);
        await client.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task AResumeOnAStreamThatHasNoEventsYetIsToldToResync()
    {
        var citizen = await fx.UserAsync("citizen");
        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token);
        var result = await client.SubscribeAsync("me", afterSeq: 2);
        var resync = await client.NextResyncAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(("me", "ahead-of-stream"), (resync.Stream, resync.Reason));
        Assert.Equal(0, result.CurrentSeq);

        await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created);
        var first = await client.NextAsync("me", "me.notification");
        Assert.Equal(1, first.Seq);
        Assert.Equal("report.received", first.Get("kind"));
    }

    [Fact]
    public async Task ResubscribingWhileCommandsRunNeitherLosesNorRepeatsAnEvent()
    {
        var reporter = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        using var policeHttp = fx.Http(police.Token);
        var id = (await (await fx.Http(reporter.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var stream = $"incident:{id}";
        const int notes = 20;

        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < notes; i++)
            {
                await (await policeHttp.PostJsonAsync($"/api/incidents/{id}/notes", new { text = $"note {i}", visibility = "public" })).JsonAsync(HttpStatusCode.OK);
            }
        });

        // Subscribe mid-stream from the start: the replay/live seam must be exact.
        await client.SubscribeAsync(stream, afterSeq: 0);
        await writer;
        for (var seq = 1; seq <= notes + 1; seq++)
        {
            Assert.Equal(seq, (await client.NextAsync(stream)).Seq);
        }

        await client.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task ClientOnGatewayAReceivesWhatWasDoneThroughGatewayB()
    {
        var police = await fx.UserAsync("police");
        var citizen = await fx.UserAsync("citizen");
        await using var onA = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        await onA.SubscribeAsync("neighbourhood:havenkwartier");

        var created = await (await fx.Http(citizen.Token, gatewayB: true).PostJsonAsync("/api/incidents", Sample.Report("noise", "Loud party", lat: 52.0705, lon: 4.3001))).JsonAsync(HttpStatusCode.Created);
        var id = created.Str("id");
        Assert.Equal("havenkwartier", created.Str("neighbourhood"));

        WireEvent e;
        do
        {
            e = await onA.NextAsync("neighbourhood:havenkwartier", "neighbourhood.incident_updated");
        }
        while (e.Get("incident.id") != id);
        Assert.Equal("noise", e.Get("incident.category"));

        await onA.SubscribeAsync($"incident:{id}");
        await (await fx.Http(police.Token, gatewayB: true).PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("acknowledged", (await onA.NextAsync($"incident:{id}", "incident.status_changed")).Get("to"));
    }

    [Fact]
    public async Task MessagePackClientsReceiveTheSameCamelCaseEnvelope()
    {
        var citizen = await fx.UserAsync("citizen");
        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token, messagePack: true);
        var created = await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created);
        var stream = $"incident:{created.Str("id")}";

        var result = await client.SubscribeAsync(stream, afterSeq: 0);
        Assert.Equal("public", result.Audience);
        var e = await client.NextAsync(stream, "incident.reported");
        Assert.Equal(1, e.Seq);
        Assert.Equal("citizen", e.Actor.Role);
        Assert.Equal("vandalism", e.Get("incident.category"));
        Assert.Equal("true", e.Get("incident.locationBlurred"), ignoreCase: true);
    }
}
