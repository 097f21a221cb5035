using System.Text.Json;
using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>
/// An incident event's <c>payload</c> in the event log: everything a fresh activation needs to
/// re-apply it to a snapshot that missed it. The stream's total order (the police sequence) is the
/// row's <c>seq</c>; the narrower audiences' sequences are here. <see cref="Key"/> is the command's
/// idempotency key, scoped by user, so a command retried after a crash is still recognised.
/// </summary>
internal sealed record IncidentLogPayload(
    [property: JsonPropertyName("visibility")] Audience Visibility,
    [property: JsonPropertyName("seqPublic")] long SeqPublic,
    [property: JsonPropertyName("seqCouncil")] long SeqCouncil,
    [property: JsonPropertyName("actor")] LoggedActor Actor,
    [property: JsonPropertyName("fact")] IncidentFact Fact,
    [property: JsonPropertyName("key")] string? Key)
{
    /// <summary>Enums by name, so reordering an enum cannot change what a stored row means.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static IncidentLogPayload Deserialize(string json) =>
        JsonSerializer.Deserialize<IncidentLogPayload>(json, Json) ?? throw new InvalidOperationException("An incident log payload is empty.");
}
