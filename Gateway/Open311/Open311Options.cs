namespace Collab.Gateway.Open311;

/// <summary>Open311 GeoReport v2 (<c>Collab:Open311</c>).</summary>
public sealed class Open311Options
{
    /// <summary>Registered client applications: name → API key. POST requests needs one.</summary>
    public Dictionary<string, string> ApiKeys { get; set; } = [];

    /// <summary>Shown in discovery.</summary>
    public string Contact { get; set; } = "Collab city operations";

    /// <summary>
    /// The one jurisdiction this endpoint serves (<c>jurisdiction_id</c>); empty for the city's id
    /// (<c>Collab:City:Id</c>). A request naming another is refused.
    /// </summary>
    public string? JurisdictionId { get; set; }
}
