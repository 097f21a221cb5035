using System.ComponentModel.DataAnnotations;

namespace Collab.Hosting;

/// <summary>This city (<c>Collab:City</c>).</summary>
public sealed class CityOptions
{
    /// <summary>This city's id (federation, CAP sender).</summary>
    [Required, RegularExpression("^[a-z0-9-]{2,64}$")]
    public string Id { get; set; } = "demo-city";

    /// <summary>A GeoJSON file of the neighbourhoods; empty for the shipped demo city.</summary>
    public string? MapFile { get; set; }
}
