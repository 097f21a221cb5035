namespace Collab.Gateway.Wire;

/// <summary>An entry of <c>GET /api/neighbourhoods</c>.</summary>
public sealed record NeighbourhoodListItem(string Slug, string Name, LocationDto Centre);

/// <summary>A GeoJSON geometry (RFC 7946).</summary>
public sealed record GeoJsonGeometry(string Type, object Coordinates);

/// <summary>One neighbourhood, its boundary and what is going on in it.</summary>
public sealed record NeighbourhoodResponse(
    string Slug,
    string Name,
    LocationDto Centre,
    GeoJsonGeometry Boundary,
    string Audience,
    IReadOnlyList<IncidentSummaryDto> ActiveIncidents,
    IReadOnlyDictionary<string, int> CountsLast24h,
    long Seq);

/// <summary>An incident's gist as the caller may see it.</summary>
public sealed record IncidentSummaryDto(
    string Id,
    string Category,
    string Status,
    string Severity,
    LocationDto Location,
    bool LocationBlurred,
    string ReportedAt,
    string UpdatedAt,
    string CategoryName,
    string StatusName,
    string SeverityName);

/// <summary>RFC 7946 FeatureCollection.</summary>
public sealed record FeatureCollection(string Type, IReadOnlyList<Feature> Features);

/// <summary>RFC 7946 Feature with a Point geometry.</summary>
public sealed record Feature(string Type, string Id, GeoJsonGeometry Geometry, IReadOnlyDictionary<string, object?> Properties);
