using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Neighbourhoods;

/// <summary>Persisted state of a neighbourhood: what is active now and what was reported lately. Bounded.</summary>
[GenerateSerializer, Alias("collab.state.Neighbourhood")]
internal sealed class NeighbourhoodState
{
    /// <summary>Active incidents by id: the exact and the public summary of the latest version.</summary>
    [Id(0)] public Dictionary<string, IncidentChange> Active { get; set; } = [];
    // Id 1 (a list of every report of the last 24 hours) is retired: the hourly counts below
    // answer the same question in at most 24 × categories entries, and a write no longer copies
    // one row per report.
    [Id(2)] public Timeline<IncidentChange> Timeline { get; set; } = new();
    /// <summary>Latest version seen per incident, so a late or repeated change is ignored.</summary>
    [Id(3)] public Dictionary<string, long> Versions { get; set; } = [];
    /// <summary>
    /// New reports and response times per (UTC hour, category): the counts over the last 24 hours,
    /// and the research history (kept for <c>Collab:Research:HistoryDays</c>). Sparse: only hours with reports.
    /// </summary>
    [Id(4)] public List<HourlyCount> Hourly { get; set; } = [];
}

/// <summary>How many incidents of a category were reported in one clock hour, and how long those took to reach each stage.</summary>
[GenerateSerializer, Alias("collab.state.HourlyCount")]
internal sealed class HourlyCount
{
    [Id(0)] public DateTimeOffset Hour { get; set; }
    [Id(1)] public string Category { get; set; } = "";
    [Id(2)] public int Count { get; set; }
    /// <summary>Report → acknowledged, of the incidents reported in this hour; null until one is.</summary>
    [Id(3)] public ResponseTally? Acknowledged { get; set; }
    [Id(4)] public ResponseTally? Dispatched { get; set; }
    [Id(5)] public ResponseTally? Resolved { get; set; }
}

/// <summary>Times from report to one stage: count, sum and bins (<see cref="Research.ResponseBins"/>).</summary>
[GenerateSerializer, Alias("collab.state.ResponseTally")]
internal sealed class ResponseTally
{
    [Id(0)] public int Count { get; set; }
    [Id(1)] public long TotalSeconds { get; set; }
    [Id(2)] public int[] Bins { get; set; } = new int[Research.ResponseBins.Count];

    public void Add(TimeSpan duration)
    {
        var d = duration < TimeSpan.Zero ? TimeSpan.Zero : duration;
        Count++;
        TotalSeconds += (long)d.TotalSeconds;
        Bins[Research.ResponseBins.Of(d)]++;
    }

    public Research.ResponseTimes ToTimes() => new(Count, TotalSeconds, Bins.ToArray());
}
