using Collab.Common;
using Collab.Incidents;

namespace Collab.Neighbourhoods;

/// <summary>A neighbourhood's live picture for one audience.</summary>
[GenerateSerializer, Immutable, Alias("collab.NeighbourhoodView")]
public sealed record NeighbourhoodView(
    [property: Id(0)] NeighbourhoodInfo Info,
    [property: Id(1)] Audience Audience,
    [property: Id(2)] IReadOnlyList<IncidentSummary> ActiveIncidents,
    [property: Id(3)] IReadOnlyDictionary<string, int> CountsLast24h,
    [property: Id(4)] long Seq);
