namespace Collab.Gateway.Wire;

/// <summary><c>POST /api/neighbourhoods/{slug}/alerts</c>.</summary>
public sealed record AlertRequest(
    string? Headline, string? Description, string? Severity, string? Urgency, string? Certainty,
    DateTimeOffset? Expires, Dictionary<string, AlertTextDto?>? Translations, string? Language);

/// <summary>Headline and description in one language.</summary>
public sealed record AlertTextDto(string? Headline, string? Description);

/// <summary>An alert, with every language it was issued in.</summary>
public sealed record AlertResponse(
    string Id, string Neighbourhood, string Language, string Headline, string Description,
    string Severity, string Urgency, string Certainty, string Sent, string? Expires,
    Dictionary<string, AlertTextDto> Translations, string SenderRole,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Exercise = null);
