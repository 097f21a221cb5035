using Collab.Common;
using Collab.Incidents;
using System.Text.Json.Serialization;
using MessagePack;

namespace Collab.Gateway.Wire;

// The records the hub takes and answers carry MessagePack keys: MessagePack clients use the same
// camelCase names as JSON ones (System.Text.Json ignores these attributes).

/// <summary><c>POST /api/incidents</c>. <c>attributes</c> answers the category's questions (code → value; a multivaluelist's keys comma-separated).</summary>
[MessagePackObject]
public sealed record ReportRequest([property: Key("category")] string? Category, [property: Key("description")] string? Description, [property: Key("location")] LocationDto? Location, [property: Key("severity")] string? Severity, [property: Key("language")] string? Language,
    [property: Key("attributes")] Dictionary<string, string>? Attributes = null);

/// <summary>A WGS 84 position.</summary>
[MessagePackObject]
public sealed record LocationDto([property: Key("lat")] double? Lat, [property: Key("lon")] double? Lon, [property: Key("accuracyM")] double? AccuracyM)
{
    public static LocationDto From(GeoPoint point) => new(point.Lat, point.Lon, point.AccuracyM);
}

/// <summary><c>POST /api/incidents/{id}/notes</c>.</summary>
[MessagePackObject]
public sealed record NoteRequest([property: Key("text")] string? Text, [property: Key("visibility")] string? Visibility, [property: Key("language")] string? Language);

/// <summary><c>POST /api/incidents/{id}/status</c>.</summary>
[MessagePackObject]
public sealed record StatusRequest([property: Key("status")] string? Status, [property: Key("reason")] string? Reason);

/// <summary><c>POST /api/incidents/{id}/assign</c>.</summary>
[MessagePackObject]
public sealed record AssignRequest([property: Key("unit")] string? Unit);

/// <summary><c>POST /api/incidents/{id}/moderation</c>.</summary>
public sealed record ModerationRequest(string? EventId, string? Action, string? Reason);

/// <summary>An incident as the caller may see it.</summary>
[MessagePackObject]
public sealed record IncidentResponse(
    [property: Key("id")] string Id,
    [property: Key("audience")] string Audience,
    [property: Key("category")] string Category,
    [property: Key("categoryName")] string CategoryName,
    [property: Key("description")] string Description,
    [property: Key("status")] string Status,
    [property: Key("severity")] string Severity,
    [property: Key("location")] LocationDto Location,
    [property: Key("locationBlurred")] bool LocationBlurred,
    [property: Key("neighbourhood")] string Neighbourhood,
    [property: Key("language")] string Language,
    [property: Key("reportedAt")] string ReportedAt,
    [property: Key("updatedAt")] string UpdatedAt,
    [property: Key("assignedUnit")] string? AssignedUnit,
    [property: Key("notes")] IReadOnlyList<NoteDto> Notes,
    [property: Key("seq")] long Seq,
    [property: Key("isOwnReport")] bool IsOwnReport,
    [property: Key("statusName")] string StatusName,
    [property: Key("severityName")] string SeverityName,
    [property: Key("attributes")] IReadOnlyDictionary<string, string>? Attributes,
    [property: Key("exercise"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Exercise = null);

/// <summary>The reporter, revealed to police only, each read audited. <c>sub</c> is null once the reporter erased their data.</summary>
public sealed record ReporterDto(string? Sub, string? Name, bool Erased);

/// <summary><c>POST /api/incidents/{id}/flags</c>: a citizen flags a public note.</summary>
public sealed record FlagRequest(string? EventId, string? Reason);

/// <summary>An audit trail entry.</summary>
public sealed record AuditEntryDto(string At, string ActorRole, string ActorId, string Action, string? Detail);

/// <summary>A note as the caller may see it; hidden notes keep their place but lose their text.</summary>
[MessagePackObject]
public sealed record NoteDto([property: Key("eventId")] string EventId, [property: Key("text")] string? Text, [property: Key("visibility")] string Visibility, [property: Key("author")] ActorDto Author, [property: Key("createdAt")] string CreatedAt, [property: Key("hidden")] bool Hidden, [property: Key("language")] string Language)
{
    public static NoteDto From(NoteView n) => new(
        n.EventId, n.Text, WireFormat.Name(n.Visibility), ActorDto.From(n.Author), WireFormat.Time(n.CreatedAt), n.Hidden, n.Language);
}

/// <summary>The caller's view of a timeline after a sequence number.</summary>
public sealed record EventsResponse(string Stream, string Audience, long Head, bool Truncated, IReadOnlyList<EventEnvelope> Events);
