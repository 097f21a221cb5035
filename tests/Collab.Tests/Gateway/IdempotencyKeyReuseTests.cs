using System.Net;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.Tests.Gateway;

/// <summary>
/// An <c>Idempotency-Key</c> names one command: the same command again answers as the first time;
/// another command under the same key is a 422 <c>idempotency-key-reused</c> (a hub error with that
/// code) and changes nothing — never the first command's answer, as if the second had been done.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class IdempotencyKeyReuseTests(GatewayFixture fx)
{
    private const string Reused = "idempotency-key-reused";

    [Fact]
    public async Task AReportRetriedWithAnotherBodyUnderItsKeyIs422AndTheIncidentIsUnchanged()
    {
        var citizen = await fx.UserAsync("citizen");
        using var http = fx.Http(citizen.Token);
        var key = $"r-{Guid.NewGuid():N}";
        var first = await (await http.PostJsonAsync("/api/incidents", Sample.Report(description: "Bus shelter glass smashed"), key)).JsonAsync(HttpStatusCode.Created);
        var again = await (await http.PostJsonAsync("/api/incidents", Sample.Report(description: "Bus shelter glass smashed"), key)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(first.Str("id"), again.Str("id"));

        await (await http.PostJsonAsync("/api/incidents", Sample.Report(description: "Something else entirely"), key)).ProblemAsync(HttpStatusCode.UnprocessableEntity, Reused);
        await (await http.PostJsonAsync("/api/incidents", Sample.Report(category: "noise", description: "Bus shelter glass smashed"), key)).ProblemAsync(HttpStatusCode.UnprocessableEntity, Reused);

        var view = await (await http.GetAsync($"/api/incidents/{first.Str("id")}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Bus shelter glass smashed", view.Str("description"));
        Assert.Equal("vandalism", view.Str("category"));
        var me = await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, me.GetProperty("reports").GetArrayLength());
    }

    [Fact]
    public async Task CommandsOnAnIncidentRetriedWithAnotherBodyUnderTheirKeyAre422AndChangeNothing()
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var id = (await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        using var http = fx.Http(police.Token);

        var note = $"n-{Guid.NewGuid():N}";
        await (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "On our way", visibility = "public" }, note)).JsonAsync(HttpStatusCode.OK);
        await (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "On our way", visibility = "public" }, note)).JsonAsync(HttpStatusCode.OK);
        await (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Not coming", visibility = "public" }, note)).ProblemAsync(HttpStatusCode.UnprocessableEntity, Reused);
        await (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "On our way", visibility = "police" }, note)).ProblemAsync(HttpStatusCode.UnprocessableEntity, Reused);

        var status = $"s-{Guid.NewGuid():N}";
        await (await http.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" }, status)).JsonAsync(HttpStatusCode.OK);
        await (await http.PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" }, status)).JsonAsync(HttpStatusCode.OK);
        await (await http.PostJsonAsync($"/api/incidents/{id}/status", new { status = "rejected", reason = "spam" }, status)).ProblemAsync(HttpStatusCode.UnprocessableEntity, Reused);

        var assign = $"a-{Guid.NewGuid():N}";
        await (await http.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = "Unit 1" }, assign)).JsonAsync(HttpStatusCode.OK);
        await (await http.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = "Unit 1" }, assign)).JsonAsync(HttpStatusCode.OK);
        await (await http.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = "Unit 2" }, assign)).ProblemAsync(HttpStatusCode.UnprocessableEntity, Reused);
        // A key names one command: the status key reused for an assignment is another command.
        await (await http.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = "Unit 1" }, status)).ProblemAsync(HttpStatusCode.UnprocessableEntity, Reused);

        var view = await (await http.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("On our way", Assert.Single(view.GetProperty("notes").EnumerateArray()).Str("text"));
        Assert.Equal("acknowledged", view.Str("status"));
        Assert.Equal("Unit 1", view.Str("assignedUnit"));
        var events = await (await http.GetAsync($"/api/incidents/{id}/events")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(4, events.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task AnotherCallerMayUseTheSameKey()
    {
        var police = await fx.UserAsync("police");
        var other = await fx.UserAsync("police");
        var citizen = await fx.UserAsync("citizen");
        var id = (await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var key = $"k-{Guid.NewGuid():N}";
        await (await fx.Http(police.Token).PostJsonAsync($"/api/incidents/{id}/notes", new { text = "First", visibility = "police" }, key)).JsonAsync(HttpStatusCode.OK);
        var view = await (await fx.Http(other.Token).PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Second", visibility = "police" }, key)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, view.GetProperty("notes").GetArrayLength());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HubCommandsRetriedWithAnotherBodyUnderTheirKeyAreRefusedWithTheSameCode(bool messagePack)
    {
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        await using var citizenConsole = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token, messagePack);
        await using var policeConsole = await LiveClient.ConnectAsync(fx.GatewayB, police.Token, messagePack);
        var hub = citizenConsole.Connection;
        var desk = policeConsole.Connection;

        var report = $"hr-{Guid.NewGuid():N}";
        var id = (await hub.InvokeAsync<WireIncident>("Report", Sample.Report(), report)).Id;
        Assert.Equal(id, (await hub.InvokeAsync<WireIncident>("Report", Sample.Report(), report)).Id);
        await AssertReused(() => hub.InvokeAsync<WireIncident>("Report", Sample.Report(description: "Other"), report));

        var note = $"hn-{Guid.NewGuid():N}";
        await hub.InvokeAsync<WireIncident>("AddNote", id, new { text = "Still there", visibility = "public" }, note);
        await hub.InvokeAsync<WireIncident>("AddNote", id, new { text = "Still there", visibility = "public" }, note);
        await AssertReused(() => hub.InvokeAsync<WireIncident>("AddNote", id, new { text = "Gone now", visibility = "public" }, note));

        var status = $"hs-{Guid.NewGuid():N}";
        await desk.InvokeAsync<WireIncident>("ChangeStatus", id, new { status = "acknowledged" }, status);
        await desk.InvokeAsync<WireIncident>("ChangeStatus", id, new { status = "acknowledged" }, status);
        await AssertReused(() => desk.InvokeAsync<WireIncident>("ChangeStatus", id, new { status = "rejected" }, status));

        var assign = $"ha-{Guid.NewGuid():N}";
        await desk.InvokeAsync<WireIncident>("Assign", id, new { unit = "Unit 3" }, assign);
        await desk.InvokeAsync<WireIncident>("Assign", id, new { unit = "Unit 3" }, assign);
        await AssertReused(() => desk.InvokeAsync<WireIncident>("Assign", id, new { unit = "Unit 4" }, assign));

        var view = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Still there", Assert.Single(view.GetProperty("notes").EnumerateArray()).Str("text"));
        Assert.Equal("acknowledged", view.Str("status"));
        Assert.Equal("Unit 3", view.Str("assignedUnit"));
    }

    private static async Task AssertReused(Func<Task> command)
    {
        var error = await Assert.ThrowsAsync<HubException>(command);
        Assert.Contains($"HubException: {Reused}: ", error.Message, StringComparison.Ordinal);
    }
}
