using Collab.Common;

namespace Collab.Incidents;

/// <summary>One entry of an incident's audit trail: who read the reporter's identity, who moderated what.</summary>
[GenerateSerializer, Immutable, Alias("collab.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] ActorRole ActorRole,
    [property: Id(2)] string ActorId,
    [property: Id(3)] string Action,
    [property: Id(4)] string? Detail);
