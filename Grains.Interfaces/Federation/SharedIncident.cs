using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Incidents;

namespace Collab.Federation;

/// <summary>
/// An incident as a partner city receives it: the audience view its sharing policy names (public:
/// blurred location, masked texts, public notes; authorities: council's view), built by the same
/// projection that serves local clients, with the city it comes from. Never the reporter, never
/// police-only notes. <see cref="Exercise"/> names the training exercise it belongs to (shared only
/// with a partner taking part, which shows it to its police and council alone). Also the JSON of
/// <c>incident</c> in a federation batch.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.SharedIncident")]
public sealed record SharedIncident(
    [property: Id(0)] string Id,
    [property: Id(1)] string Origin,
    [property: Id(2)] Audience Audience,
    [property: Id(3)] string Category,
    [property: Id(4)] string Description,
    [property: Id(5)] IncidentStatus Status,
    [property: Id(6)] Severity Severity,
    [property: Id(7)] GeoPoint Location,
    [property: Id(8)] bool LocationBlurred,
    [property: Id(9)] string Neighbourhood,
    [property: Id(10)] string Language,
    [property: Id(11)] DateTimeOffset ReportedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt,
    [property: Id(13)] string? AssignedUnit,
    [property: Id(14)] IReadOnlyList<NoteView> Notes,
    [property: Id(15), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Exercise = null)
{
    /// <summary>The shared view of a local incident's <paramref name="view"/> (already projected for the policy's audience).</summary>
    public static SharedIncident From(string origin, IncidentView view) => new(
        view.Id, origin, view.Audience, view.Category, view.Description, view.Status, view.Severity, view.Location, view.LocationBlurred,
        view.Neighbourhood, view.Language, view.ReportedAt, view.UpdatedAt, view.AssignedUnit, view.Notes, view.Exercise);
}
