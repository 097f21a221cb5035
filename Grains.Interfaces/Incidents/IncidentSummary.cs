using Collab.Common;

namespace Collab.Incidents;

/// <summary>The public-facing gist of an incident, as one audience sees it (location possibly blurred).</summary>
[GenerateSerializer, Immutable, Alias("collab.IncidentSummary")]
public sealed record IncidentSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Category,
    [property: Id(2)] IncidentStatus Status,
    [property: Id(3)] Severity Severity,
    [property: Id(4)] GeoPoint Location,
    [property: Id(5)] bool LocationBlurred,
    [property: Id(6)] string Neighbourhood,
    [property: Id(7)] DateTimeOffset ReportedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] long Version)
{
    public bool IsActive => Status is IncidentStatus.Reported or IncidentStatus.Acknowledged or IncidentStatus.Dispatched;
}
