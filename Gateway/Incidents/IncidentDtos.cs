namespace Collab.Gateway.Incidents;

/// <summary><c>POST /api/incidents</c>.</summary>
public sealed record ReportRequest(string? Category, string? Description, LocationDto? Location, string? Severity, string? Language);

/// <summary>A WGS 84 position.</summary>
public sealed record LocationDto(double? Lat, double? Lon, double? AccuracyM);

/// <summary><c>POST /api/incidents/{id}/notes</c>.</summary>
public sealed record NoteRequest(string? Text, string? Visibility, string? Language);

/// <summary><c>POST /api/incidents/{id}/status</c>.</summary>
public sealed record StatusRequest(string? Status, string? Reason);

/// <summary><c>POST /api/incidents/{id}/assign</c>.</summary>
public sealed record AssignRequest(string? Unit);

/// <summary><c>POST /api/incidents/{id}/moderation</c>.</summary>
public sealed record ModerationRequest(string? EventId, string? Action, string? Reason);

/// <summary>An incident as the caller may see it.</summary>
public sealed record IncidentResponse(
    string Id,
    string Audience,
    string Category,
    string CategoryName,
    string Description,
    string Status,
    string Severity,
    LocationDto Location,
    bool LocationBlurred,
    string Neighbourhood,
    string Language,
    string ReportedAt,
    string UpdatedAt,
    string? AssignedUnit,
    IReadOnlyList<NoteDto> Notes,
    long Seq,
    bool IsOwnReport);

/// <summary>The reporter, revealed to police only, each read audited. <c>sub</c> is null once the reporter erased their data.</summary>
public sealed record ReporterDto(string? Sub, string? Name, bool Erased);

/// <summary><c>POST /api/incidents/{id}/flags</c>: a citizen flags a public note.</summary>
public sealed record FlagRequest(string? EventId, string? Reason);

/// <summary>An audit trail entry.</summary>
public sealed record AuditEntryDto(string At, string ActorRole, string ActorId, string Action, string? Detail);

/// <summary>A note as the caller may see it; hidden notes keep their place but lose their text.</summary>
public sealed record NoteDto(string EventId, string? Text, string Visibility, Realtime.ActorDto Author, string CreatedAt, bool Hidden, string Language);

/// <summary>The caller's view of a timeline after a sequence number.</summary>
public sealed record EventsResponse(string Stream, string Audience, long Head, bool Truncated, IReadOnlyList<Realtime.EventEnvelope> Events);
