using Collab.Common;

namespace Collab.Neighbourhoods;

/// <summary>A neighbourhood of the city map: slug, name, centre and boundary (outer ring first, [lon, lat] pairs).</summary>
[GenerateSerializer, Immutable, Alias("collab.NeighbourhoodInfo")]
public sealed record NeighbourhoodInfo(
    [property: Id(0)] string Slug,
    [property: Id(1)] string Name,
    [property: Id(2)] GeoPoint Centre,
    [property: Id(3)] IReadOnlyList<IReadOnlyList<double[]>> Boundary);
