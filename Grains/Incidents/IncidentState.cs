using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>The persisted state of an incident. Internal: contracts may change shape independently.</summary>
[GenerateSerializer, Alias("collab.state.Incident")]
internal sealed class IncidentState
{
    [Id(0)] public bool Reported { get; set; }
    [Id(1)] public string Category { get; set; } = "";
    [Id(2)] public string Description { get; set; } = "";
    [Id(3)] public GeoPoint Location { get; set; } = new(0, 0);
    [Id(4)] public Severity Severity { get; set; }
    [Id(5)] public string Language { get; set; } = "en";
    [Id(6)] public string Neighbourhood { get; set; } = "";
    [Id(7)] public IncidentStatus Status { get; set; }
    [Id(8)] public DateTimeOffset ReportedAt { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    // Ids 10–12 are retired: the reporter's identity lives apart, in ReporterState.
    [Id(13)] public string? AssignedUnit { get; set; }
    [Id(14)] public List<NoteState> Notes { get; set; } = [];
    [Id(15)] public Timeline<IncidentFact> Timeline { get; set; } = new();
    /// <summary>Recent idempotency keys (bounded), so a retried command adds nothing.</summary>
    [Id(16)] public List<string> ProcessedKeys { get; set; } = [];
    [Id(17)] public long Version { get; set; }
}

/// <summary>A stored note; the text stays here, the timeline only refers to it.</summary>
[GenerateSerializer, Alias("collab.state.Note")]
internal sealed class NoteState
{
    [Id(0)] public string EventId { get; set; } = "";
    [Id(1)] public string Text { get; set; } = "";
    [Id(2)] public NoteVisibility Visibility { get; set; }
    [Id(3)] public Actor Author { get; set; } = null!;
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public bool Hidden { get; set; }
    [Id(6)] public string Language { get; set; } = "en";
    /// <summary>Pseudonyms of the citizens who flagged this note (bounded by the flag threshold).</summary>
    [Id(7)] public List<string> Flaggers { get; set; } = [];
}

/// <summary>Who reported an incident. Kept in its own state, apart from the incident, and revealed only to police with an audit entry.</summary>
[GenerateSerializer, Alias("collab.state.Reporter")]
internal sealed class ReporterState
{
    [Id(0)] public string? UserId { get; set; }
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public ActorRole Role { get; set; }
    [Id(3)] public bool Erased { get; set; }
}

/// <summary>An incident's audit trail: reveals of the reporter and moderation acts. Bounded.</summary>
[GenerateSerializer, Alias("collab.state.Audit")]
internal sealed class AuditState
{
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
}

/// <summary>
/// What an incident timeline entry records beyond its type and actor. The event log stores it in
/// full, with what re-applies the event to the state (report fields, note text); the timeline in
/// the snapshot keeps it <see cref="Lean"/>, since the state holds those already. The JSON names
/// are the log's schema and, like the <c>[Id]</c>s, never change.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.state.IncidentFact")]
internal sealed record IncidentFact(
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
    /// <summary>Without the long texts, which the state keeps in <see cref="IncidentState.Description"/> and <see cref="NoteState.Text"/>.</summary>
    public IncidentFact Lean() => this with { Description = null, Text = null };
}
