using System.Text.Json;
using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>
/// How incident snapshots held their timeline's events before each event type had its own record
/// (<see cref="IncidentEvent"/>): one fact with a nullable field for everything. Kept only so such
/// snapshots still load (<see cref="IncidentState.LegacyTimeline"/>); an activation turns them into
/// records (<see cref="Upcast"/>) and never writes this type again. Its <c>[Id]</c>s and alias are
/// those the old snapshots were written with.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.state.IncidentFact")]
internal sealed record LegacyIncidentFact(
    [property: Id(0), JsonPropertyName("from")] IncidentStatus? From = null,
    [property: Id(1), JsonPropertyName("to")] IncidentStatus? To = null,
    [property: Id(2), JsonPropertyName("unit")] string? Unit = null,
    [property: Id(3), JsonPropertyName("noteEventId")] string? NoteEventId = null,
    [property: Id(4), JsonPropertyName("reason")] string? Reason = null,
    [property: Id(5), JsonPropertyName("category")] string? Category = null,
    [property: Id(6), JsonPropertyName("description")] string? Description = null,
    [property: Id(7), JsonPropertyName("location")] GeoPoint? Location = null,
    [property: Id(8), JsonPropertyName("severity")] Severity? Severity = null,
    [property: Id(9), JsonPropertyName("language")] string? Language = null,
    [property: Id(10), JsonPropertyName("neighbourhood")] string? Neighbourhood = null,
    [property: Id(11), JsonPropertyName("text")] string? Text = null,
    [property: Id(12), JsonPropertyName("noteVisibility")] NoteVisibility? NoteVisibility = null)
{
    /// <summary>
    /// The record of <paramref name="eventType"/>. The fact's JSON names are the event log's, so this
    /// is the same mapping that reads log rows written before the records existed.
    /// </summary>
    public IncidentEvent ToEvent(string eventType) =>
        (IncidentEvent)(JsonSerializer.SerializeToElement(this, EventLogJson.Options).Deserialize(IncidentEvent.RecordOf(eventType), EventLogJson.Options)
            ?? throw new InvalidOperationException($"A legacy '{eventType}' fact is empty."));

    /// <summary>The same timeline (ids, sequence numbers, heads, what was dropped) with records for facts.</summary>
    public static Timeline<IncidentEvent> Upcast(Timeline<LegacyIncidentFact> legacy) => new()
    {
        Entries = legacy.Entries.ConvertAll(e => new TimelineEntry<IncidentEvent>
        {
            Id = e.Id,
            Type = e.Type,
            OccurredAt = e.OccurredAt,
            Actor = e.Actor,
            Visibility = e.Visibility,
            SeqPublic = e.SeqPublic,
            SeqCouncil = e.SeqCouncil,
            SeqPolice = e.SeqPolice,
            Payload = e.Payload.ToEvent(e.Type).Lean(),
        }),
        HeadPublic = legacy.HeadPublic,
        HeadCouncil = legacy.HeadCouncil,
        HeadPolice = legacy.HeadPolice,
        DroppedPublic = legacy.DroppedPublic,
        DroppedCouncil = legacy.DroppedCouncil,
        DroppedPolice = legacy.DroppedPolice,
    };
}
