using System.Text.Json.Serialization;
using MessagePack;

namespace Collab.Gateway.Wire;

/// <summary>
/// <c>{ stream, seq, id, type, occurredAt, actor: { role, name? }, data }</c>. Keys are explicit so
/// JSON and MessagePack clients see the same camelCase names; <see cref="Data"/> renders as a map in both.
/// </summary>
[MessagePackObject]
public sealed record EventEnvelope(
    [property: Key("stream")] string Stream,
    [property: Key("seq")] long Seq,
    [property: Key("id")] string Id,
    [property: Key("type")] string Type,
    [property: Key("occurredAt")] string OccurredAt,
    [property: Key("actor")] ActorDto Actor,
    [property: Key("data")] object Data,
    [property: Key("exercise"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Exercise = null);

/// <summary>Who caused an event: role, name where the audience may see it, and the partner city an actor of a partner acts for (absent for this city's own).</summary>
[MessagePackObject]
public sealed record ActorDto(
    [property: Key("role")] string Role,
    [property: Key("name")] string? Name,
    [property: Key("city"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? City = null)
{
    public static ActorDto From(Collab.Realtime.EventActor actor) => new(WireFormat.Name(actor.Role), actor.Name, actor.City);
}

/// <summary>The answer to <c>Subscribe</c>.</summary>
[MessagePackObject]
public sealed record SubscribeResult(
    [property: Key("stream")] string Stream,
    [property: Key("audience")] string Audience,
    [property: Key("currentSeq")] long CurrentSeq,
    [property: Key("replayed")] int Replayed);

/// <summary>The server cannot replay a gap: re-read the snapshot.</summary>
[MessagePackObject]
public sealed record ResyncNotice(
    [property: Key("stream")] string Stream,
    [property: Key("reason")] string Reason);
