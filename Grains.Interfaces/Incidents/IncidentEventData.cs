using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>Data of <c>incident.reported</c>.</summary>
[GenerateSerializer, Immutable, Alias("collab.IncidentReportedData")]
public sealed record IncidentReportedData(
    [property: Id(0)] IncidentSummary Incident,
    [property: Id(1)] string Description) : EventData;

/// <summary>Data of <c>incident.note_added</c>.</summary>
[GenerateSerializer, Immutable, Alias("collab.NoteAddedData")]
public sealed record NoteAddedData(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] NoteView Note) : EventData;

/// <summary>Data of <c>incident.status_changed</c>.</summary>
[GenerateSerializer, Immutable, Alias("collab.StatusChangedData")]
public sealed record StatusChangedData(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] IncidentStatus From,
    [property: Id(2)] IncidentStatus To,
    [property: Id(3)] string? Reason) : EventData;

/// <summary>Data of <c>incident.assigned</c>.</summary>
[GenerateSerializer, Immutable, Alias("collab.AssignedData")]
public sealed record AssignedData(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] string? Unit) : EventData;

/// <summary>Data of <c>incident.note_hidden</c> and <c>incident.note_restored</c>.</summary>
[GenerateSerializer, Immutable, Alias("collab.NoteModeratedData")]
public sealed record NoteModeratedData(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] string EventId,
    [property: Id(2)] string? Reason) : EventData;
