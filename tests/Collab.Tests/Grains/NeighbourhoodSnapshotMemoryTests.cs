using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Tests.Infrastructure;
using Orleans.Core.Internal;

namespace Collab.Tests.Grains;

/// <summary>
/// A busy neighbourhood's snapshot (its whole state, a megabyte with a thousand active incidents)
/// is written after 1,000 events but not more often than every few seconds, and always when the
/// activation goes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NeighbourhoodSnapshotMemoryTests(ClusterFixture fx)
{
    [Fact]
    public async Task ThousandsOfEventsInAMomentWriteTheSnapshotAtMostOnceAndDeactivationWritesTheRest()
    {
        const string slug = "havenkwartier";
        var hood = fx.Grains.GetGrain<INeighbourhoodGrain>(slug);
        // One incident changing many times, reported long ago: no counts, and it leaves the active list at the end.
        var id = Guid.NewGuid().ToString("D");
        var reportedAt = DateTimeOffset.UtcNow.AddDays(-400);
        IncidentChange Change(long version, IncidentStatus status)
        {
            var summary = new IncidentSummary(id, "noise", status, Severity.Low, new GeoPoint(52.08, 4.3, null), false, slug, reportedAt, reportedAt, version);
            return new IncidentChange(Guid.NewGuid().ToString("N"), summary, summary with { LocationBlurred = true });
        }

        // Each call is one commit: past 1,000 unsaved events each would write the snapshot were there no floor.
        await hood.OnIncidentsChangedAsync([.. Enumerable.Range(1, 1_000).Select(v => Change(v, IncidentStatus.Reported))]);
        var afterFirst = (await hood.GetAsync(Audience.Police)).Value!.Seq;
        await hood.OnIncidentsChangedAsync([.. Enumerable.Range(1_001, 1_500).Select(v => Change(v, IncidentStatus.Reported))]);
        await hood.OnIncidentsChangedAsync([Change(2_501, IncidentStatus.Resolved)]);
        var head = (await hood.GetAsync(Audience.Police)).Value!.Seq;
        Assert.Equal(afterFirst + 1_501, head);
        Assert.InRange((await StoredAsync(slug)).Timeline.HeadPolice, 0, afterFirst);

        await hood.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(head, (await hood.GetAsync(Audience.Police)).Value!.Seq);
        var stored = await StoredAsync(slug);
        Assert.Equal(head, stored.Timeline.HeadPolice);
        Assert.DoesNotContain(id, stored.Active.Keys);
    }

    private async Task<NeighbourhoodState> StoredAsync(string slug) =>
        (await fx.StoredAsync<NeighbourhoodState>("neighbourhood", fx.Grains.GetGrain<INeighbourhoodGrain>(slug))).State ?? new NeighbourhoodState();
}
