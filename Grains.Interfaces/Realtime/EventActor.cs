using System.Text.Json.Serialization;
using Collab.Common;

namespace Collab.Realtime;

/// <summary>
/// Who caused an event, as the audience may see it: a role, a name only where shown, and the
/// partner city the actor acts for (mutual aid; absent for this city's own).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.EventActor")]
public sealed record EventActor(
    [property: Id(0)] ActorRole Role,
    [property: Id(1)] string? Name,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? City = null);
