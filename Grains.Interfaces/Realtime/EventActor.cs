using Collab.Common;

namespace Collab.Realtime;

/// <summary>Who caused an event, as the audience may see it: a role, and a name only where shown.</summary>
[GenerateSerializer, Immutable, Alias("collab.EventActor")]
public sealed record EventActor(
    [property: Id(0)] ActorRole Role,
    [property: Id(1)] string? Name);
