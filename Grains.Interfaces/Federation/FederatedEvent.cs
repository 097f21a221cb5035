namespace Collab.Federation;

/// <summary>
/// One shared change of an incident, as it crosses to a partner: the outbox's contiguous
/// <see cref="Seq"/> (per partner), the origin's event <see cref="Id"/> and type, and the incident's
/// shared view after the change. Also the JSON of one entry of a batch's <c>events</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.FederatedEvent")]
public sealed record FederatedEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Id,
    [property: Id(2)] string Type,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] SharedIncident Incident);
