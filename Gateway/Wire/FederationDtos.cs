using System.Text.Json.Serialization;
using Collab.Common;
using Collab.Federation;

namespace Collab.Gateway.Wire;

/// <summary><c>GET /federation/v1/keys</c>: this city's public keys (RFC 7517 JWKS).</summary>
public sealed record JwksResponse(string City, IReadOnlyList<JsonWebKeyDto> Keys);

/// <summary>What a partner's <c>POST /federation/v1/events</c> is answered: the seq its outbox is applied through, and how many events this batch added.</summary>
public sealed record FederationEventsResponse(long AppliedThrough, int Applied);

/// <summary>One configured partner and the health of the link to it.</summary>
public sealed record PartnerDto(string CityId, string Url, PartnerShareDto Share, PartnerLinkDto Outbound);

/// <summary>What this city shares with the partner.</summary>
public sealed record PartnerShareDto(IReadOnlyList<string> Neighbourhoods, IReadOnlyList<string> Categories, string Audience);

/// <summary>The outbound link: the outbox's head, what the partner confirmed, the lag in events, the last success and error.</summary>
public sealed record PartnerLinkDto(long Head, long DeliveredThrough, long Lag, string? LastSuccessAt, string? LastError, string? LastErrorAt);

/// <summary>An incident a partner shares, as its policy's audience sees it, with the city it comes from.</summary>
public sealed record SharedIncidentDto(
    string Id,
    string Origin,
    string Audience,
    string Category,
    string? CategoryName,
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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Exercise = null)
{
    /// <summary>The shared incident, with its category's name in the reader's language when this city knows one.</summary>
    public static SharedIncidentDto From(SharedIncident i, string? categoryName) => new(
        i.Id,
        i.Origin,
        WireFormat.Name(i.Audience),
        i.Category,
        categoryName,
        i.Description,
        WireFormat.Name(i.Status),
        WireFormat.Name(i.Severity),
        LocationDto.From(i.Location),
        i.LocationBlurred,
        i.Neighbourhood,
        i.Language,
        WireFormat.Time(i.ReportedAt),
        WireFormat.Time(i.UpdatedAt),
        i.AssignedUnit,
        i.Notes.Select(NoteDto.From).ToList(),
        i.Exercise);
}

/// <summary><c>GET /federation/v1/status</c>: this city and each partner's links, for operators.</summary>
public sealed record FederationStatusResponse(string City, IReadOnlyList<PartnerStatusDto> Partners);

/// <summary>One partner: what this city sends it (outbound) and what it sends this city (inbound).</summary>
public sealed record PartnerStatusDto(string CityId, string Url, OutboundStatusDto Outbound, InboundStatusDto Inbound);

/// <summary>
/// The outbound link: the outbox's head, what the partner confirmed, the lag in events, when the
/// oldest undelivered event was recorded and its age, the last success and error, and the circuit
/// (<c>closed</c>, <c>open</c>: waiting out a backoff after a failure, <c>half-open</c>: the next attempt is a probe).
/// </summary>
public sealed record OutboundStatusDto(
    long Head, long DeliveredThrough, long Lag, string? OldestUndeliveredAt, double? OldestUndeliveredAgeSeconds,
    string? LastSuccessAt, string? LastError, string? LastErrorAt, string Circuit);

/// <summary>The inbound mirror: the partner's outbox epoch, the seq applied through, the last batch applied and the last read-back.</summary>
public sealed record InboundStatusDto(string? Epoch, long AppliedThrough, string? LastAppliedAt, string? LastBackfillAt, string? LastBackfillError);
