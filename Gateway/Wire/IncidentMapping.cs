using Collab.Gateway.Localization;
using Collab.Incidents;

namespace Collab.Gateway.Wire;

/// <summary>Explicit mapping of an incident view to the DTO REST and the hub answer with.</summary>
public static class IncidentMapping
{
    /// <summary>Names (category, status, severity) in <paramref name="language"/>.</summary>
    public static IncidentResponse ToResponse(this IncidentView v, string language, Translations texts) => new(
        v.Id,
        WireFormat.Name(v.Audience),
        v.Category,
        texts.CategoryName(v.Category, language),
        v.Description,
        WireFormat.Name(v.Status),
        WireFormat.Name(v.Severity),
        LocationDto.From(v.Location),
        v.LocationBlurred,
        v.Neighbourhood,
        v.Language,
        WireFormat.Time(v.ReportedAt),
        WireFormat.Time(v.UpdatedAt),
        v.AssignedUnit,
        v.Notes.Select(NoteDto.From).ToList(),
        v.Seq,
        v.IsOwnReport,
        texts.StatusName(v.Status, language),
        texts.SeverityName(v.Severity, language),
        v.Attributes,
        v.Exercise);
}
