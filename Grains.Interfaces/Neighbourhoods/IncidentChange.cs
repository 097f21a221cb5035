using Collab.Incidents;

namespace Collab.Neighbourhoods;

/// <summary>
/// What an incident grain tells its neighbourhood after each change: the exact summary and the
/// blurred one for the public, both of the same version.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.IncidentChange")]
public sealed record IncidentChange(
    [property: Id(0)] string EventId,
    [property: Id(1)] IncidentSummary Exact,
    [property: Id(2)] IncidentSummary Public);
