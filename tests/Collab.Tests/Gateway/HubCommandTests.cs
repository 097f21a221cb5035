using System.Net;
using System.Text.Json;
using Collab.Gateway.Realtime;
using Collab.Tests.Infrastructure;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Gateway;

/// <summary>
/// Incident commands over the hub (a dispatch console's path): the same commands, rules and
/// answers as REST, pushed to followers the same way, over real sockets.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HubCommandTests(GatewayFixture fx)
{
    private const string Hood = "neighbourhood:centrum";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CommandsOverTheHubAnswerWithTheCallersViewAndReachFollowers(bool messagePack)
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var council = await fx.UserAsync("council");
        await using var citizenConsole = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token, messagePack);
        await using var policeConsole = await LiveClient.ConnectAsync(fx.GatewayB, police.Token, messagePack);
        await using var follower = await LiveClient.ConnectAsync(fx.GatewayA, council.Token);
        await follower.SubscribeAsync(Hood);

        var reported = await citizenConsole.Connection.InvokeAsync<WireIncident>("Report", Sample.Report(), "hub-report-1");
        var id = reported.Id;
        Assert.Equal("public", reported.Audience);
        Assert.True(reported.IsOwnReport);
        Assert.Equal(id, (await NextFor(follower, id)).Get("incident.id"));

        var assigned = await policeConsole.Connection.InvokeAsync<WireIncident>("Assign", id, new { unit = "Unit 7" }, null);
        Assert.Equal("Unit 7", assigned.AssignedUnit);
        Assert.Equal("police", assigned.Audience);
        await NextFor(follower, id);

        var acknowledged = await policeConsole.Connection.InvokeAsync<WireIncident>("ChangeStatus", id, new { status = "acknowledged" }, null);
        Assert.Equal("acknowledged", acknowledged.Status);
        Assert.Equal("acknowledged", (await NextFor(follower, id)).Get("incident.status"));

        var noted = await citizenConsole.Connection.InvokeAsync<WireIncident>("AddNote", id, new { text = "The glass is still on the pavement", visibility = "public" }, null);
        Assert.Equal("The glass is still on the pavement", Assert.Single(noted.Notes).Text);

        // What the hub did, REST sees.
        using var http = fx.Http(police.Token);
        var events = await (await http.GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(
            ["incident.reported", "incident.assigned", "incident.status_changed", "incident.note_added"],
            events.GetProperty("events").EnumerateArray().Select(e => e.Str("type")));
    }

    [Fact]
    public async Task ARetriedHubReportWithItsKeyCreatesNothingTwice()
    {
        var citizen = await fx.UserAsync("citizen");
        await using var console = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token);
        var first = await console.Connection.InvokeAsync<JsonElement>("Report", Sample.Report(), "hub-retry");
        var again = await console.Connection.InvokeAsync<JsonElement>("Report", Sample.Report(), "hub-retry");
        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal(first.GetProperty("seq").GetInt64(), again.GetProperty("seq").GetInt64());

        // REST with the same caller and key finds the same incident.
        var rest = await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report(), "hub-retry")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(first.Str("id"), rest.Str("id"));
    }

    [Fact]
    public async Task BadHubCommandsAreRefusedWithTheRestCodeAndChangeNothing()
    {
        var police = await fx.UserAsync("police");
        using var http = fx.Http(police.Token);
        var id = (await (await http.PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        await using var console = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);

        async Task RefusedAsync(string code, string method, params object?[] args)
        {
            var error = await Assert.ThrowsAsync<HubException>(() => console.Connection.InvokeCoreAsync<JsonElement>(method, args));
            Assert.Contains($"HubException: {code}: ", error.Message, StringComparison.Ordinal);
        }

        await RefusedAsync("unknown-status", "ChangeStatus", id, new { status = "teleported" }, null);
        await RefusedAsync("invalid-transition", "ChangeStatus", id, new { status = "closed" }, null);
        await RefusedAsync("incident-not-found", "Assign", Guid.NewGuid().ToString("D"), new { unit = "Unit 1" }, null);
        await RefusedAsync("incident-not-found", "Assign", "not-an-id", new { unit = "Unit 1" }, null);
        await RefusedAsync("body-required", "Assign", id, null, null);
        await RefusedAsync("idempotency-key-invalid", "Assign", id, new { unit = "Unit 1" }, new string('k', 500));
        await RefusedAsync("unknown-category", "Report", new { category = "aliens", description = "x", location = new { lat = 52.07, lon = 4.28 } }, null);
        await RefusedAsync("location-required", "Report", new { category = "noise", description = "x" }, null);
        await RefusedAsync("outside-city", "Report", Sample.Report(lat: 48.85, lon: 2.35), null);
        await RefusedAsync("unknown-visibility", "AddNote", id, new { text = "x", visibility = "everyone" }, null);

        // Wrong argument types and counts are the hub's own errors, and change nothing either.
        await Assert.ThrowsAsync<HubException>(() => console.Connection.InvokeCoreAsync<JsonElement>("Assign", [id, 42, null]));
        await Assert.ThrowsAsync<HubException>(() => console.Connection.InvokeCoreAsync<JsonElement>("Assign", [id]));

        var events = await (await http.GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, events.GetProperty("head").GetInt64());
    }

    [Fact]
    public async Task EveryHubCallGetsAFreshHubFromOneActivatorPerProcess()
    {
        using var first = fx.ServicesA.CreateScope();
        using var second = fx.ServicesA.CreateScope();
        var activator = first.ServiceProvider.GetRequiredService<IHubActivator<CollabHub>>();
        Assert.IsType<CollabHubActivator>(activator);
        Assert.Same(activator, second.ServiceProvider.GetRequiredService<IHubActivator<CollabHub>>());
        var one = activator.Create();
        var other = activator.Create();
        Assert.NotSame(one, other);
        activator.Release(one);
        activator.Release(other);

        // Calls one after another on one connection each get a hub of their own (a released hub is disposed).
        var police = await fx.UserAsync("police");
        await using var console = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        var id = (await console.Connection.InvokeAsync<WireIncident>("Report", Sample.Report(), null)).Id;
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal($"Unit {i}", (await console.Connection.InvokeAsync<WireIncident>("Assign", id, new { unit = $"Unit {i}" }, null)).AssignedUnit);
        }
    }

    private static async Task<WireEvent> NextFor(LiveClient client, string incidentId)
    {
        while (true)
        {
            var e = await client.NextAsync(Hood, "neighbourhood.incident_updated");
            if (e.Get("incident.id") == incidentId)
            {
                return e;
            }
        }
    }
}

/// <summary>The parts of a hub command's answer (the caller's view of the incident) these tests read.</summary>
[MessagePackObject]
public sealed record WireIncident(
    [property: Key("id")] string Id,
    [property: Key("audience")] string Audience,
    [property: Key("status")] string Status,
    [property: Key("assignedUnit")] string? AssignedUnit,
    [property: Key("seq")] long Seq,
    [property: Key("isOwnReport")] bool IsOwnReport,
    [property: Key("notes")] List<WireNote> Notes);

[MessagePackObject]
public sealed record WireNote([property: Key("eventId")] string EventId, [property: Key("text")] string? Text);
