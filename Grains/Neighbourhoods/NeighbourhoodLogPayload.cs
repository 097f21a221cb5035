using System.Text.Json;
using System.Text.Json.Serialization;
using Collab.Incidents;

namespace Collab.Neighbourhoods;

/// <summary>
/// A <c>neighbourhood.incident_updated</c> event's <c>payload</c> in the event log: the change it
/// carried, which is all a fresh activation needs to re-apply it. The stream's total order is the
/// row's <c>seq</c>; every neighbourhood event is public, so the narrower sequences are the same
/// but are kept, as incidents keep theirs.
/// </summary>
internal sealed record NeighbourhoodLogPayload(
    [property: JsonPropertyName("seqPublic")] long SeqPublic,
    [property: JsonPropertyName("seqCouncil")] long SeqCouncil,
    [property: JsonPropertyName("change")] IncidentChange Change)
{
    public string Serialize() => JsonSerializer.Serialize(this, IncidentLogPayload.Json);

    public static NeighbourhoodLogPayload Deserialize(string json) =>
        JsonSerializer.Deserialize<NeighbourhoodLogPayload>(json, IncidentLogPayload.Json) ?? throw new InvalidOperationException("A neighbourhood log payload is empty.");
}
