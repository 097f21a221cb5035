using Collab.Common;

namespace Collab.Incidents;

/// <summary>
/// A new report. The incident id is the grain key. <see cref="Attributes"/> answers the
/// category's questions (code → value; a multivaluelist's keys comma-separated).
/// <see cref="Exercise"/> names the training exercise that plays this report (only the exercise
/// grain sets it; gateways never take it from a request): such an incident is marked in every
/// view, hidden from the public, kept out of neighbourhood feeds and never shared with partners.
/// Every incident command's <c>IdempotencyKey</c> is the caller's own (the incident scopes it by user
/// id); null when the caller gave none: the command is then new whatever it says, and nothing of it
/// is remembered (a key made up for it could never be sent again, and would only push callers' keys
/// out of the incident's memory of the last 500).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.ReportIncident")]
public sealed record ReportIncident(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] Actor Actor,
    [property: Id(2)] string Category,
    [property: Id(3)] string Description,
    [property: Id(4)] GeoPoint Location,
    [property: Id(5)] Severity Severity,
    [property: Id(6)] string Language,
    [property: Id(7)] IReadOnlyDictionary<string, string>? Attributes = null,
    [property: Id(8)] string? Exercise = null);

/// <summary>A note on an incident.</summary>
[GenerateSerializer, Immutable, Alias("collab.AddNote")]
public sealed record AddNote(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] Actor Actor,
    [property: Id(2)] string Text,
    [property: Id(3)] NoteVisibility Visibility,
    [property: Id(4)] string Language);

/// <summary>A status transition.</summary>
[GenerateSerializer, Immutable, Alias("collab.ChangeStatus")]
public sealed record ChangeStatus(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] Actor Actor,
    [property: Id(2)] IncidentStatus Status,
    [property: Id(3)] string? Reason);

/// <summary>Assignment of a police unit.</summary>
[GenerateSerializer, Immutable, Alias("collab.AssignUnit")]
public sealed record AssignUnit(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] Actor Actor,
    [property: Id(2)] string Unit);

/// <summary>Hiding or restoring a public note, named by the id of the event that added it.</summary>
[GenerateSerializer, Immutable, Alias("collab.ModerateNote")]
public sealed record ModerateNote(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] Actor Actor,
    [property: Id(2)] string EventId,
    [property: Id(3)] ModerationAction Action,
    [property: Id(4)] string Reason);

/// <summary>A citizen flags a public note as abusive; enough distinct flags hide it pending review.</summary>
[GenerateSerializer, Immutable, Alias("collab.FlagNote")]
public sealed record FlagNote(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] Actor Actor,
    [property: Id(2)] string EventId,
    [property: Id(3)] string? Reason);
