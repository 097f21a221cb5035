namespace Collab.Federation;

/// <summary>A change of a local incident that a partner's policy shares, on its way into that partner's outbox.</summary>
[GenerateSerializer, Immutable, Alias("collab.SharedChange")]
public sealed record SharedChange(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] SharedIncident Incident);
