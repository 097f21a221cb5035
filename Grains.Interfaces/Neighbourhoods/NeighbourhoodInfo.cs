using Collab.Common;

namespace Collab.Neighbourhoods;

/// <summary>
/// A neighbourhood of the city map: slug, name and centre. Its area is the map's
/// (<c>CityMap.AreaOf</c>), which silos and gateways both load; Id 3 (a single polygon's rings) is retired.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.NeighbourhoodInfo")]
public sealed record NeighbourhoodInfo(
    [property: Id(0)] string Slug,
    [property: Id(1)] string Name,
    [property: Id(2)] GeoPoint Centre);
