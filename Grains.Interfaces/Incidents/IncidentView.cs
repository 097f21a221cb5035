using Collab.Common;

namespace Collab.Incidents;

/// <summary>
/// An incident as one audience sees it. The public view never holds the reporter's identity or
/// non-public notes and may blur the location; council sees public and authorities notes;
/// police see everything but the reporter's identity, which only an audited reveal returns.
/// Id 13 (the reporter) is retired: identity lives apart from the incident. <see cref="Attributes"/>
/// (the report's answers to its category's questions) are for council, police and the reporter.
/// <see cref="Exercise"/> names the training exercise that created the incident (null when real).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.IncidentView")]
public sealed record IncidentView(
    [property: Id(0)] string Id,
    [property: Id(1)] Audience Audience,
    [property: Id(2)] string Category,
    [property: Id(3)] string Description,
    [property: Id(4)] IncidentStatus Status,
    [property: Id(5)] Severity Severity,
    [property: Id(6)] GeoPoint Location,
    [property: Id(7)] bool LocationBlurred,
    [property: Id(8)] string Neighbourhood,
    [property: Id(9)] string Language,
    [property: Id(10)] DateTimeOffset ReportedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] string? AssignedUnit,
    [property: Id(14)] IReadOnlyList<NoteView> Notes,
    [property: Id(15)] long Seq,
    [property: Id(16)] bool IsOwnReport,
    [property: Id(17)] IReadOnlyDictionary<string, string>? Attributes = null,
    [property: Id(18)] string? Exercise = null);
