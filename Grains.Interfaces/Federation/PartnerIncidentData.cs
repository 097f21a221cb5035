using Collab.Realtime;

namespace Collab.Federation;

/// <summary>
/// Data of <c>partner.incident_updated</c> on a <c>partner:{cityId}</c> stream: the origin's event type
/// (<see cref="Change"/>) and id (<see cref="EventId"/>: the same change has the same id in every
/// city, e.g. after a partner read it back again), and the shared view after it, with its id and origin.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.PartnerIncidentData")]
public sealed record PartnerIncidentData(
    [property: Id(0)] string Change,
    [property: Id(1)] SharedIncident Incident,
    [property: Id(2)] string? EventId = null) : EventData;
