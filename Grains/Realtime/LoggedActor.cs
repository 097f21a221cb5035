using System.Text.Json.Serialization;
using Collab.Common;

namespace Collab.Realtime;

/// <summary>
/// The actor of a logged event, as the log's JSON stores it. <c>userId</c> is where erasure looks
/// (<see cref="IEventLog.EraseActorAsync"/>); the names are the log's schema and never change.
/// </summary>
internal sealed record LoggedActor(
    [property: JsonPropertyName("role")] ActorRole Role,
    [property: JsonPropertyName("userId")] string UserId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("city"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? City = null)
{
    public static LoggedActor From(Actor actor) => new(actor.Role, actor.UserId, actor.Name, actor.Language, actor.City);

    public Actor ToActor() => new(Role, UserId, Name, Language, City);
}
