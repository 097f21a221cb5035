using System.ComponentModel.DataAnnotations;
using Collab.Categories;

namespace Collab.Hosting;

/// <summary>This city (<c>Collab:City</c>).</summary>
public sealed class CityOptions
{
    /// <summary>This city's id (federation, CAP sender).</summary>
    [Required, RegularExpression("^[a-z0-9-]{2,64}$")]
    public string Id { get; set; } = "demo-city";

    /// <summary>A GeoJSON file of the neighbourhoods; empty for the shipped demo city.</summary>
    public string? MapFile { get; set; }

    /// <summary>The city's incident categories; when empty, those of <see cref="CategoriesFile"/>, else the demo city's.</summary>
    public List<CategoryOptions> Categories { get; set; } = [];

    /// <summary>A JSON file <c>{ "Categories": [ ... ] }</c> of the city's categories, used when <see cref="Categories"/> is empty.</summary>
    public string? CategoriesFile { get; set; }
}
