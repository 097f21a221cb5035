using Collab.Incidents;
using Collab.Tests.Infrastructure;
using static Collab.Tests.Grains.Commands;

namespace Collab.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class IncidentDirectoryTests(ClusterFixture fx)
{
    [Fact]
    public async Task DirectoryTellsReportedIncidentsFromUnknownIdsWithoutActivatingThem()
    {
        var reported = NewId();
        Assert.True((await fx.Grains.GetGrain<IIncidentGrain>(reported).ReportAsync(Report(Citizen()))).IsOk);
        var refused = NewId();
        Assert.False((await fx.Grains.GetGrain<IIncidentGrain>(refused).ReportAsync(Report(Citizen(), lat: 48.85, lon: 2.35))).IsOk);
        var unknown = Enumerable.Range(0, 97).Select(_ => NewId()).ToList();

        var directory = fx.Grains.GetGrain<IIncidentDirectory>(0);
        var answers = await directory.ExistsAsync([reported, .. unknown, refused, reported]);

        Assert.Equal([true, .. unknown.Select(_ => false), false, true], answers);
        var active = await ActiveIncidentsAsync();
        Assert.DoesNotContain(active, id => unknown.Contains(id));
        await Assert.ThrowsAsync<ArgumentException>(() => directory.ExistsAsync(Enumerable.Range(0, IIncidentDirectory.MaxIds + 1).Select(_ => NewId()).ToList()));
    }

    [Fact]
    public async Task AnIncidentActivatedForAnIdNeverReportedDeactivatesAtOnce()
    {
        var unknown = NewId();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(unknown);
        Assert.False((await grain.GetAsync(Police())).IsOk);
        Assert.False((await grain.AddNoteAsync(new AddNote(Key(), Police(), "x", NoteVisibility.Public, "en"))).IsOk);
        var refused = NewId();
        Assert.False((await fx.Grains.GetGrain<IIncidentGrain>(refused).ReportAsync(Report(Citizen(), lat: 48.85, lon: 2.35))).IsOk);
        var reported = NewId();
        Assert.True((await fx.Grains.GetGrain<IIncidentGrain>(reported).ReportAsync(Report(Citizen()))).IsOk);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        IReadOnlyList<string> active;
        while ((active = await ActiveIncidentsAsync()).Contains(unknown) || active.Contains(refused))
        {
            Assert.True(DateTime.UtcNow < deadline, "Incidents activated for ids never reported stayed active.");
            await Task.Delay(100);
        }

        // A reported incident stays: it is the hot path, and deactivating it would cost a reload per command.
        Assert.Contains(reported, active);
    }

    private async Task<IReadOnlyList<string>> ActiveIncidentsAsync()
    {
        var stats = await fx.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var incidentType = fx.Grains.GetGrain<IIncidentGrain>(NewId()).GetGrainId().Type;
        return stats.Where(s => s.GrainId.Type == incidentType).Select(s => s.GrainId.Key.ToString()!).ToList();
    }
}
