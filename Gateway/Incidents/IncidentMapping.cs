using Collab.Gateway.Realtime;
using Collab.Incidents;

namespace Collab.Gateway.Incidents;

/// <summary>Explicit mapping from grain contracts to HTTP DTOs, and parsing of the wire's enum names.</summary>
public static class IncidentMapping
{
    public static IncidentResponse ToResponse(this IncidentView v, string language) => new(
        v.Id,
        EnvelopeMapper.AudienceName(v.Audience),
        v.Category,
        Collab.Common.Categories.Get(v.Category).NameIn(language),
        v.Description,
        Name(v.Status),
        Name(v.Severity),
        new LocationDto(v.Location.Lat, v.Location.Lon, v.Location.AccuracyM),
        v.LocationBlurred,
        v.Neighbourhood,
        v.Language,
        EnvelopeMapper.FormatTime(v.ReportedAt),
        EnvelopeMapper.FormatTime(v.UpdatedAt),
        v.AssignedUnit,
        v.Notes.Select(n => new NoteDto(
            n.EventId,
            n.Text,
            Name(n.Visibility),
            new ActorDto(EnvelopeMapper.RoleName(n.Author.Role), n.Author.Name),
            EnvelopeMapper.FormatTime(n.CreatedAt),
            n.Hidden,
            n.Language)).ToList(),
        v.Seq,
        v.IsOwnReport);

    public static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>Parses a lower-case enum name exactly as the contract spells it; numbers and other casings are refused.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
