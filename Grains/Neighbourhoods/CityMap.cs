using System.Text.Json;
using Collab.Common;

namespace Collab.Neighbourhoods;

/// <summary>
/// The city's neighbourhoods and their polygons, read once from a GeoJSON FeatureCollection whose
/// features carry <c>slug</c> and <c>name</c> properties. Finds a report's neighbourhood from its location.
/// </summary>
public sealed class CityMap
{
    private readonly Dictionary<string, NeighbourhoodInfo> _bySlug;

    public CityMap(string cityName, IReadOnlyList<NeighbourhoodInfo> neighbourhoods)
    {
        Name = cityName;
        All = neighbourhoods;
        _bySlug = neighbourhoods.ToDictionary(n => n.Slug, StringComparer.Ordinal);
    }

    public string Name { get; }

    public IReadOnlyList<NeighbourhoodInfo> All { get; }

    public NeighbourhoodInfo? Find(string slug) => _bySlug.GetValueOrDefault(slug);

    /// <summary>The neighbourhood containing the point, or null when it is outside the city.</summary>
    public NeighbourhoodInfo? Locate(GeoPoint point)
    {
        foreach (var n in All)
        {
            if (Contains(n.Boundary, point.Lon, point.Lat))
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>Even-odd rule over every ring, so holes are honoured.</summary>
    private static bool Contains(IReadOnlyList<IReadOnlyList<double[]>> rings, double x, double y)
    {
        var inside = false;
        foreach (var ring in rings)
        {
            for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
            {
                double xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
                if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                {
                    inside = !inside;
                }
            }
        }

        return inside;
    }

    public static CityMap Load(Stream geoJson)
    {
        using var doc = JsonDocument.Parse(geoJson);
        var root = doc.RootElement;
        var cityName = root.TryGetProperty("name", out var cn) ? cn.GetString() ?? "City" : "City";
        var list = new List<NeighbourhoodInfo>();
        foreach (var feature in root.GetProperty("features").EnumerateArray())
        {
            var props = feature.GetProperty("properties");
            var slug = props.GetProperty("slug").GetString() ?? throw new InvalidDataException("A neighbourhood has no slug.");
            var name = props.GetProperty("name").GetString() ?? slug;
            var geometry = feature.GetProperty("geometry");
            if (geometry.GetProperty("type").GetString() != "Polygon")
            {
                throw new InvalidDataException($"Neighbourhood '{slug}' must be a Polygon.");
            }

            var rings = geometry.GetProperty("coordinates").EnumerateArray()
                .Select(ring => (IReadOnlyList<double[]>)ring.EnumerateArray()
                    .Select(p => new[] { p[0].GetDouble(), p[1].GetDouble() })
                    .ToList())
                .ToList();
            var outer = rings[0];
            var centre = new GeoPoint(
                Math.Round(outer.Take(outer.Count - 1).Average(p => p[1]), 6),
                Math.Round(outer.Take(outer.Count - 1).Average(p => p[0]), 6));
            list.Add(new NeighbourhoodInfo(slug, name, centre, rings));
        }

        return new CityMap(cityName, list);
    }

    /// <summary>The demo city shipped with the project.</summary>
    public static CityMap LoadDemo()
    {
        using var stream = typeof(CityMap).Assembly.GetManifestResourceStream("Collab.demo-city.geojson")
            ?? throw new InvalidOperationException("The demo city resource is missing.");
        return Load(stream);
    }
}
