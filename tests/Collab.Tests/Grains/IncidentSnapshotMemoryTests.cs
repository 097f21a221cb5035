using Collab.Incidents;
using Collab.Tests.Infrastructure;
using Orleans.Core.Internal;
using static Collab.Tests.Grains.Commands;

namespace Collab.Tests.Grains;

/// <summary>
/// Memory mode has no event log: the incident's snapshot is its only store, written with the report,
/// then every <see cref="IncidentGrain.SnapshotEvery"/> events, or a quarter of a long timeline (as
/// in PostgreSQL mode), and when the activation goes, rather than whole on every command.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IncidentSnapshotMemoryTests(ClusterFixture fx)
{
    [Fact]
    public async Task TheSnapshotIsWrittenEveryHundredEventsNotPerCommand()
    {
        var id = NewId();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(id);
        Assert.True((await grain.ReportAsync(Report(Citizen()))).IsOk);
        Assert.Equal(1, (await StoredAsync(id)).Timeline.HeadPolice);

        for (var i = 1; i < IncidentGrain.SnapshotEvery; i++)
        {
            Assert.True((await grain.AssignAsync(new AssignUnit(Key(), Police(), $"Unit {i}"))).IsOk);
        }

        // Commands answered, none of them written yet: the activation holds them.
        var stored = await StoredAsync(id);
        Assert.Equal(1, stored.Timeline.HeadPolice);
        Assert.Null(stored.AssignedUnit);

        Assert.True((await grain.AssignAsync(new AssignUnit(Key(), Police(), "Unit 7"))).IsOk);
        stored = await StoredAsync(id);
        Assert.Equal(1 + IncidentGrain.SnapshotEvery, stored.Timeline.HeadPolice);
        Assert.Equal("Unit 7", stored.AssignedUnit);
    }

    [Fact]
    public async Task ALongTimelineIsRewrittenOnceAQuarterOfItHasCome()
    {
        var id = NewId();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(id);
        Assert.True((await grain.ReportAsync(Report(Citizen()))).IsOk);

        // Written at 1 (the report), then every 100 events until the timeline it held passes 400,
        // then after a quarter of it: 501 + 125 = 626, 626 + 156 = 782.
        var expected = new long[] { 101, 201, 301, 401, 501, 626, 782 };
        var written = new List<long>();
        var last = 1L;
        for (var head = 2; head <= 782; head++)
        {
            Assert.True((await grain.AssignAsync(new AssignUnit(null, Police(), $"Unit {head}"))).IsOk);
            if (head >= 500 || head % 100 is 0 or 1)
            {
                var stored = (await StoredAsync(id)).Timeline.HeadPolice;
                if (stored != last)
                {
                    written.Add(stored);
                    last = stored;
                }
            }
        }

        Assert.Equal(expected, written);
    }

    [Fact]
    public async Task AnActivationThatGoesWritesWhatItHadNotYetWritten()
    {
        var id = NewId();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(id);
        Assert.True((await grain.ReportAsync(Report(Citizen()))).IsOk);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await grain.AddNoteAsync(new AddNote(Key(), Police(), $"note {i}", NoteVisibility.Public, "en"))).IsOk);
        }

        // Far fewer than SnapshotEvery events: only the deactivation can have written the notes
        // that the next activation reads.
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var view = (await grain.GetAsync(Police())).Value!;
        Assert.Equal(["note 0", "note 1", "note 2"], view.Notes.Select(n => n.Text));
        Assert.Equal(4, view.Seq);
        Assert.Equal(4, (await StoredAsync(id)).Timeline.HeadPolice);
    }

    private async Task<IncidentState> StoredAsync(string id)
    {
        var snapshot = await fx.StoredAsync<IncidentState>(IncidentGrain.StateName, fx.Grains.GetGrain<IIncidentGrain>(id));
        Assert.True(snapshot.RecordExists);
        return snapshot.State ?? throw new InvalidOperationException("A stored incident without state.");
    }
}
