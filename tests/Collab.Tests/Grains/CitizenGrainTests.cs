using Collab.Citizens;
using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;
using Collab.Tests.Infrastructure;
using static Collab.Tests.Grains.Commands;

namespace Collab.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class CitizenGrainTests(ClusterFixture fx)
{
    [Fact]
    public async Task ReportsAndLifecycleReachTheReportersMeStreamOnce()
    {
        var reporter = Citizen();
        var police = Police();
        var incidentId = NewId();
        var incident = fx.Grains.GetGrain<IIncidentGrain>(incidentId);
        await incident.ReportAsync(Report(reporter));
        await incident.ChangeStatusAsync(new ChangeStatus(Key(), police, IncidentStatus.Acknowledged, null));
        await incident.AddNoteAsync(new AddNote(Key(), police, "internal", NoteVisibility.Police, "en"));

        var citizen = fx.Grains.GetGrain<ICitizenGrain>(reporter.UserId);
        var profile = await citizen.GetProfileAsync();
        Assert.Equal([incidentId], profile.Reports);
        var me = await citizen.ReadAsync(Audience.Public, 0, 100);
        Assert.Equal(["report.received", "report.status_changed"], me.Events.Select(e => ((CitizenNotification)e.Data).Kind));
        Assert.All(me.Events, e => Assert.Equal("me", e.Stream));

        // Notifications are idempotent on their source event.
        await citizen.NotifyAsync((CitizenNotification)me.Events[0].Data);
        Assert.Equal(2, (await citizen.ReadAsync(Audience.Public, 0, 100)).Head);
    }

    [Fact]
    public async Task ProfileAndFollowsAreValidated()
    {
        var citizen = fx.Grains.GetGrain<ICitizenGrain>(Citizen().UserId);
        Assert.True((await citizen.UpdateProfileAsync(new UpdateProfile("Ana", "nl"))).IsOk);
        Assert.Equal(ErrorKind.Invalid, (await citizen.UpdateProfileAsync(new UpdateProfile(new string('x', 81), null))).Error!.Kind);
        Assert.Equal(ErrorKind.Invalid, (await citizen.UpdateProfileAsync(new UpdateProfile(null, "english please"))).Error!.Kind);
        Assert.True((await citizen.SetFollowsAsync(["centrum", "parkwijk", "centrum"])).IsOk);
        Assert.Equal(ErrorKind.Invalid, (await citizen.SetFollowsAsync(["centrum", "atlantis"])).Error!.Kind);

        var profile = await citizen.GetProfileAsync();
        Assert.Equal("Ana", profile.DisplayName);
        Assert.Equal("nl", profile.Language);
        Assert.Equal(["centrum", "parkwijk"], profile.Follows);
    }

    [Fact]
    public async Task ErasureForgetsProfileAndHistoryButSequenceNumbersNeverGoBack()
    {
        var reporter = Citizen();
        await fx.Grains.GetGrain<IIncidentGrain>(NewId()).ReportAsync(Report(reporter));
        var citizen = fx.Grains.GetGrain<ICitizenGrain>(reporter.UserId);
        await citizen.UpdateProfileAsync(new UpdateProfile("Ana", "fr"));
        await citizen.EraseAsync();

        var profile = await citizen.GetProfileAsync();
        Assert.Null(profile.DisplayName);
        Assert.Empty(profile.Reports);
        var page = await citizen.ReadAsync(Audience.Public, 0, 100);
        Assert.True(page.Truncated);
        Assert.Equal(1, page.Head);
    }
}
