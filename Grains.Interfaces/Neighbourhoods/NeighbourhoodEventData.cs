using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Neighbourhoods;

/// <summary>Data of <c>neighbourhood.incident_updated</c>: the incident as the audience sees it.</summary>
[GenerateSerializer, Immutable, Alias("collab.NeighbourhoodIncidentUpdatedData")]
public sealed record NeighbourhoodIncidentUpdatedData(
    [property: Id(0)] string Neighbourhood,
    [property: Id(1)] IncidentSummary Incident) : EventData;
