using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Neighbourhoods;

/// <summary>Persisted state of a neighbourhood: what is active now and what was reported lately. Bounded.</summary>
[GenerateSerializer, Alias("collab.state.Neighbourhood")]
internal sealed class NeighbourhoodState
{
    /// <summary>Active incidents by id: the exact and the public summary of the latest version.</summary>
    [Id(0)] public Dictionary<string, IncidentChange> Active { get; set; } = [];
    /// <summary>Reports of the last 24 hours (for the counts per category).</summary>
    [Id(1)] public List<RecentReport> Recent { get; set; } = [];
    [Id(2)] public Timeline<IncidentChange> Timeline { get; set; } = new();
    /// <summary>Latest version seen per incident, so a late or repeated change is ignored.</summary>
    [Id(3)] public Dictionary<string, long> Versions { get; set; } = [];
}

/// <summary>One report counted in the last-24-hours figures.</summary>
[GenerateSerializer, Immutable, Alias("collab.state.RecentReport")]
internal sealed record RecentReport(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] string Category,
    [property: Id(2)] DateTimeOffset ReportedAt);
