using System.Text.Json;
using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Realtime;

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
    public static string Write(TimelineEntry<IncidentChange> entry) =>
        JsonSerializer.Serialize(new NeighbourhoodLogPayload(entry.SeqPublic, entry.SeqCouncil, entry.Payload), EventLogJson.Options);

    /// <summary>A logged event as its timeline entry; every neighbourhood event is the platform's, and public.</summary>
    public static TimelineEntry<IncidentChange> Read(LoggedEvent row)
    {
        var payload = JsonSerializer.Deserialize<NeighbourhoodLogPayload>(row.Payload, EventLogJson.Options)
            ?? throw new InvalidOperationException($"The payload of neighbourhood event {row.EventId} is empty.");
        return TimelineEntry<IncidentChange>.FromLog(row, WellKnownActors.Platform, Audience.Public, payload.SeqPublic, payload.SeqCouncil, payload.Change);
    }
}
