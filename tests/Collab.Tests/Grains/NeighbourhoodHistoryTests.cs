using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Research;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Grains;

/// <summary>
/// The neighbourhood's hourly history, which the research aggregates read: a report counts once,
/// each stage is timed once as an incident first moves past it, and nothing older than the history
/// bound is kept. Reports are dated days back so the hours are this test's own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NeighbourhoodHistoryTests(ClusterFixture fx)
{
    private const string Slug = "parkwijk";

    private static IncidentChange Change(string id, IncidentStatus status, DateTimeOffset reportedAt, TimeSpan after, long version, string category = "noise")
    {
        var summary = new IncidentSummary(id, category, status, Severity.Low, new GeoPoint(52.09, 4.28, null), false, Slug, reportedAt, reportedAt + after, version);
        return new IncidentChange(Guid.NewGuid().ToString("N"), summary, summary with { LocationBlurred = true });
    }

    [Fact]
    public async Task ReportsCountOnceAndStagesAreTimedOnceInTheReportsHour()
    {
        var hood = fx.Grains.GetGrain<INeighbourhoodGrain>(Slug);
        var now = DateTimeOffset.UtcNow;
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(-10);
        var a = Guid.NewGuid().ToString("D");
        var b = Guid.NewGuid().ToString("D");

        await hood.OnIncidentsChangedAsync([Change(a, IncidentStatus.Reported, hour.AddMinutes(10), TimeSpan.Zero, 1), Change(b, IncidentStatus.Reported, hour.AddMinutes(20), TimeSpan.Zero, 1)]);
        // A repeated change and a stale one count nothing.
        await hood.OnIncidentChangedAsync(Change(a, IncidentStatus.Reported, hour.AddMinutes(10), TimeSpan.Zero, 1));
        await hood.OnIncidentChangedAsync(Change(a, IncidentStatus.Acknowledged, hour.AddMinutes(10), TimeSpan.FromMinutes(3), 2));
        await hood.OnIncidentChangedAsync(Change(a, IncidentStatus.Acknowledged, hour.AddMinutes(10), TimeSpan.FromMinutes(3), 2));
        // A note (same status) times nothing; a dispatch and a resolve are timed from the report.
        await hood.OnIncidentChangedAsync(Change(a, IncidentStatus.Acknowledged, hour.AddMinutes(10), TimeSpan.FromMinutes(8), 3));
        await hood.OnIncidentChangedAsync(Change(a, IncidentStatus.Dispatched, hour.AddMinutes(10), TimeSpan.FromMinutes(20), 4));
        await hood.OnIncidentChangedAsync(Change(a, IncidentStatus.Resolved, hour.AddMinutes(10), TimeSpan.FromHours(3), 5));
        // Straight from reported to resolved: only the resolve is timed.
        await hood.OnIncidentChangedAsync(Change(b, IncidentStatus.Resolved, hour.AddMinutes(20), TimeSpan.FromHours(30), 2));
        // A late change of an incident this grain never heard reported (its closing) is no new report.
        await hood.OnIncidentChangedAsync(Change(Guid.NewGuid().ToString("D"), IncidentStatus.Closed, hour.AddMinutes(30), TimeSpan.FromDays(1), 7));

        var row = Assert.Single(await hood.GetHistoryAsync(hour, hour.AddHours(1)), r => r.Category == "noise");
        Assert.Equal(hour, row.Hour);
        Assert.Equal(2, row.Reported);
        Assert.Equal((1, 180L), (row.Acknowledged.Count, row.Acknowledged.TotalSeconds));
        Assert.Equal(1, row.Acknowledged.Bins[0]);
        Assert.Equal((1, 1_200L), (row.Dispatched.Count, row.Dispatched.TotalSeconds));
        Assert.Equal(1, row.Dispatched.Bins[ResponseBins.Of(TimeSpan.FromMinutes(20))]);
        Assert.Equal(2, row.Resolved.Count);
        Assert.Equal(3 * 3_600L + 30 * 3_600L, row.Resolved.TotalSeconds);
        Assert.Equal(1, row.Resolved.Bins[ResponseBins.Count - 1]);
        Assert.Empty(await hood.GetHistoryAsync(hour.AddHours(1), hour.AddHours(2)));
    }

    [Fact]
    public async Task NothingOlderThanTheHistoryBoundIsKept()
    {
        var hood = fx.Grains.GetGrain<INeighbourhoodGrain>(Slug);
        var old = DateTimeOffset.UtcNow.AddDays(-(new ResearchOptions().HistoryDays + 1));
        await hood.OnIncidentChangedAsync(Change(Guid.NewGuid().ToString("D"), IncidentStatus.Reported, old, TimeSpan.Zero, 1, "traffic"));
        Assert.Empty(await hood.GetHistoryAsync(old.AddHours(-1), old.AddHours(1)));
    }

    [Fact]
    public void BinsAreLabelledAndCoverEveryDuration()
    {
        Assert.Equal(["0-5m", "5m-15m", "15m-30m", "30m-1h", "1h-2h", "2h-6h", "6h-24h", "24h+"], Enumerable.Range(0, ResponseBins.Count).Select(ResponseBins.Label));
        Assert.Equal(0, ResponseBins.Of(TimeSpan.Zero));
        Assert.Equal(1, ResponseBins.Of(TimeSpan.FromMinutes(5)));
        Assert.Equal(ResponseBins.Count - 1, ResponseBins.Of(TimeSpan.FromDays(3)));
    }
}
