using Collab.Incidents;
using Collab.Tests.Infrastructure;
using Orleans.Core.Internal;
using static Collab.Tests.Grains.Commands;

namespace Collab.Tests.Grains;

/// <summary>
/// Memory mode has no event log: the incident's snapshot is its only store, written with the report,
/// then every <see cref="IncidentGrain.SnapshotEvery"/> events, or as many as a long timeline held (as
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
    public async Task ALongTimelineIsRewrittenOnceAsManyEventsAsItHeldHaveCome()
    {
        var id = NewId();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(id);
        Assert.True((await grain.ReportAsync(Report(Citizen()))).IsOk);

        // Written at 1 (the report), then after 100 events (101), then once as many events as the
        // snapshot held have come: 101 + 101 = 202, 202 + 202 = 404, 404 + 404 = 808.
        var expected = new long[] { 101, 202, 404, 808 };
        var written = new List<long>();
        var last = 1L;
        for (var head = 2; head <= 808; head++)
        {
            Assert.True((await grain.AssignAsync(new AssignUnit(null, Police(), $"Unit {head}"))).IsOk);
            var stored = (await StoredAsync(id)).Timeline.HeadPolice;
            if (stored != last)
            {
                Assert.Equal(head, stored);
                written.Add(stored);
                last = stored;
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
