using System.Text.Json;
using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>
/// An incident event's <c>payload</c> in the event log: everything a fresh activation needs to
/// re-apply it to a snapshot that missed it. The stream's total order (the police sequence) is the
/// row's <c>seq</c>; the narrower audiences' sequences are here. <see cref="Fact"/> is the event's
/// record in full, read back as the record of the row's type. <see cref="Key"/> is the command's
/// idempotency key as the incident remembers it (<see cref="IncidentState.KeyRecord"/>: scoped by
/// user, with the command's fingerprint; rows written before fingerprints hold <c>"{userId}\n{key}"</c>),
/// so a command retried after a crash is still recognised, and another command under its key refused.
/// </summary>
internal sealed record IncidentLogPayload(
    [property: JsonPropertyName("visibility")] Audience Visibility,
    [property: JsonPropertyName("seqPublic")] long SeqPublic,
    [property: JsonPropertyName("seqCouncil")] long SeqCouncil,
    [property: JsonPropertyName("actor")] LoggedActor Actor,
    [property: JsonPropertyName("fact")] JsonElement Fact,
    [property: JsonPropertyName("key")] string? Key)
{
    /// <summary>The payload of a new entry, whose full event is <paramref name="fact"/> (the entry keeps it lean).</summary>
    public static string Write(TimelineEntry<IncidentEvent> entry, IncidentEvent fact, string? key)
    {
        var payload = new IncidentLogPayload(entry.Visibility, entry.SeqPublic, entry.SeqCouncil, LoggedActor.From(entry.Actor),
            JsonSerializer.SerializeToElement(fact, fact.GetType(), EventLogJson.Options), key);
        return JsonSerializer.Serialize(payload, EventLogJson.Options);
    }

    /// <summary>A logged event: its (lean) timeline entry, its full event, and its scoped idempotency key.</summary>
    public static (TimelineEntry<IncidentEvent> Entry, IncidentEvent Fact, string? Key) Read(LoggedEvent row)
    {
        var payload = JsonSerializer.Deserialize<IncidentLogPayload>(row.Payload, EventLogJson.Options)
            ?? throw new InvalidOperationException($"The payload of incident event {row.EventId} is empty.");
        var fact = (IncidentEvent)(payload.Fact.Deserialize(IncidentEvent.RecordOf(row.Type), EventLogJson.Options)
            ?? throw new InvalidOperationException($"The fact of incident event {row.EventId} is empty."));
        var entry = TimelineEntry<IncidentEvent>.FromLog(row, payload.Actor.ToActor(), payload.Visibility, payload.SeqPublic, payload.SeqCouncil, fact.Lean());
        return (entry, fact, payload.Key);
    }
}
