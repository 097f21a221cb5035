using System.Collections.Frozen;
using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>
/// One event of an incident's history: one record per event type, each with what it does to the
/// state (<see cref="Apply"/>, the one place, for commands and for restores from the log alike).
/// The event log stores the record in full as the payload's <c>fact</c>; the timeline in the
/// snapshot keeps it <see cref="Lean"/>. The JSON names are the log's schema (rows written before
/// these records existed use the same names) and, like the <c>[Id]</c>s, never change.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.state.IncidentEvent")]
internal abstract record IncidentEvent
{
    private static readonly FrozenDictionary<string, Type> ByName = new Dictionary<string, Type>
    {
        [EventTypes.IncidentReported] = typeof(IncidentReported),
        [EventTypes.NoteAdded] = typeof(NoteAdded),
        [EventTypes.StatusChanged] = typeof(StatusChanged),
        [EventTypes.Assigned] = typeof(UnitAssigned),
        [EventTypes.NoteHidden] = typeof(NoteHidden),
        [EventTypes.NoteRestored] = typeof(NoteRestored),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, string> ByType = ByName.ToFrozenDictionary(p => p.Value, p => p.Key);

    /// <summary>The event type (<see cref="EventTypes"/>), as timeline entries and log rows carry it.</summary>
    [JsonIgnore]
    public string Type => ByType[GetType()];

    /// <summary>The record of a logged event's type; an unknown type is a bug or a newer writer, never skipped.</summary>
    public static Type RecordOf(string eventType) =>
        ByName.TryGetValue(eventType, out var type)
            ? type
            : throw new InvalidOperationException($"'{eventType}' is not an incident event type.");

    /// <summary>What the event does to <paramref name="state"/>; <paramref name="entry"/> says when, by whom, and under which id.</summary>
    public abstract void Apply(IncidentState state, TimelineEntry<IncidentEvent> entry);

    /// <summary>Without the long texts, which the state keeps (<see cref="IncidentState.Description"/>, <see cref="NoteState.Text"/>).</summary>
    public virtual IncidentEvent Lean() => this;
}

/// <summary><c>incident.reported</c>. <see cref="Description"/> is null in the snapshot's timeline.</summary>
[GenerateSerializer, Immutable, Alias("collab.state.IncidentReported")]
internal sealed record IncidentReported(
    [property: Id(0), JsonPropertyName("category")] string Category,
    [property: Id(1), JsonPropertyName("description")] string? Description,
    [property: Id(2), JsonPropertyName("location")] GeoPoint Location,
    [property: Id(3), JsonPropertyName("severity")] Severity Severity,
    [property: Id(4), JsonPropertyName("language")] string Language,
    [property: Id(5), JsonPropertyName("neighbourhood")] string Neighbourhood,
    [property: Id(6), JsonPropertyName("attributes")] IReadOnlyDictionary<string, string>? Attributes = null,
    [property: Id(7), JsonPropertyName("exercise")] string? Exercise = null) : IncidentEvent
{
    public override void Apply(IncidentState state, TimelineEntry<IncidentEvent> entry)
    {
        state.Reported = true;
        state.Category = Category;
        state.Description = Description ?? "";
        state.Location = Location;
        state.Severity = Severity;
        state.Language = Language;
        state.Neighbourhood = Neighbourhood;
        state.Attributes = Attributes is null ? null : new Dictionary<string, string>(Attributes, StringComparer.Ordinal);
        state.Exercise = Exercise;
        state.Status = IncidentStatus.Reported;
        state.ReportedAt = entry.OccurredAt;
        state.Touch(entry.OccurredAt);
    }

    public override IncidentEvent Lean() => this with { Description = null };
}

/// <summary><c>incident.note_added</c>; the note's id is the event's. <see cref="Text"/> is null in the snapshot's timeline.</summary>
[GenerateSerializer, Immutable, Alias("collab.state.NoteAdded")]
internal sealed record NoteAdded(
    [property: Id(0), JsonPropertyName("text")] string? Text,
    [property: Id(1), JsonPropertyName("noteVisibility")] NoteVisibility NoteVisibility,
    [property: Id(2), JsonPropertyName("language")] string Language) : IncidentEvent
{
    public override void Apply(IncidentState state, TimelineEntry<IncidentEvent> entry) =>
        state.Notes.Add(new NoteState
        {
            EventId = entry.Id,
            Text = Text ?? "",
            Visibility = NoteVisibility,
            Author = entry.Actor,
            CreatedAt = entry.OccurredAt,
            Language = Language,
        });

    public override IncidentEvent Lean() => this with { Text = null };
}

/// <summary><c>incident.status_changed</c>.</summary>
[GenerateSerializer, Immutable, Alias("collab.state.StatusChanged")]
internal sealed record StatusChanged(
    [property: Id(0), JsonPropertyName("from")] IncidentStatus From,
    [property: Id(1), JsonPropertyName("to")] IncidentStatus To,
    [property: Id(2), JsonPropertyName("reason")] string? Reason) : IncidentEvent
{
    public override void Apply(IncidentState state, TimelineEntry<IncidentEvent> entry)
    {
        state.Status = To;
        state.Touch(entry.OccurredAt);
    }
}

/// <summary><c>incident.assigned</c>.</summary>
[GenerateSerializer, Immutable, Alias("collab.state.UnitAssigned")]
internal sealed record UnitAssigned(
    [property: Id(0), JsonPropertyName("unit")] string Unit) : IncidentEvent
{
    public override void Apply(IncidentState state, TimelineEntry<IncidentEvent> entry)
    {
        state.AssignedUnit = Unit;
        state.Touch(entry.OccurredAt);
    }
}

/// <summary><c>incident.note_hidden</c>: a public note keeps its place but loses its text for all but police.</summary>
[GenerateSerializer, Immutable, Alias("collab.state.NoteHidden")]
internal sealed record NoteHidden(
    [property: Id(0), JsonPropertyName("noteEventId")] string NoteEventId,
    [property: Id(1), JsonPropertyName("reason")] string? Reason) : IncidentEvent
{
    public override void Apply(IncidentState state, TimelineEntry<IncidentEvent> entry) => state.FindNote(NoteEventId)?.Hide();
}

/// <summary><c>incident.note_restored</c>: the note is shown again, and its flags start afresh.</summary>
[GenerateSerializer, Immutable, Alias("collab.state.NoteRestored")]
internal sealed record NoteRestored(
    [property: Id(0), JsonPropertyName("noteEventId")] string NoteEventId,
    [property: Id(1), JsonPropertyName("reason")] string? Reason) : IncidentEvent
{
    public override void Apply(IncidentState state, TimelineEntry<IncidentEvent> entry) => state.FindNote(NoteEventId)?.Restore();
}
