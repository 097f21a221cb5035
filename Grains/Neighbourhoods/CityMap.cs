using Collab.Common;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace Collab.Neighbourhoods;

/// <summary>
/// The city's neighbourhoods and their areas (polygons with holes, or multipolygons), read once
/// from a GeoJSON FeatureCollection (<see cref="CityMapReader"/>) whose features carry <c>slug</c>
/// and <c>name</c> properties. Finds a report's neighbourhood from its location through an
/// STR-tree of the areas' envelopes and a prepared geometry per area.
/// </summary>
public sealed class CityMap
{
    private readonly Dictionary<string, Area> _bySlug;
    private readonly STRtree<Area> _index = new();

    /// <summary>A neighbourhood with its area, prepared for repeated point tests; <see cref="Order"/> is its place on the map.</summary>
    private sealed record Area(int Order, NeighbourhoodInfo Info, Geometry Geometry, IPreparedGeometry Prepared);

    public CityMap(string cityName, IReadOnlyList<(NeighbourhoodInfo Info, Geometry Geometry)> neighbourhoods)
    {
        Name = cityName;
        var areas = neighbourhoods.Select((n, i) => new Area(i, n.Info, n.Geometry, PreparedGeometryFactory.Prepare(n.Geometry))).ToList();
        All = areas.Select(a => a.Info).ToList();
        _bySlug = areas.ToDictionary(a => a.Info.Slug, StringComparer.Ordinal);
        foreach (var area in areas)
        {
            _index.Insert(area.Geometry.EnvelopeInternal, area);
        }

        _index.Build();
    }

    public string Name { get; }

    public IReadOnlyList<NeighbourhoodInfo> All { get; }

    public NeighbourhoodInfo? Find(string slug) => _bySlug.GetValueOrDefault(slug)?.Info;

    /// <summary>A neighbourhood's area (WGS 84, x = longitude, y = latitude), or null for an unknown slug.</summary>
    public Geometry? AreaOf(string slug) => _bySlug.GetValueOrDefault(slug)?.Geometry;

    /// <summary>
    /// The neighbourhood whose area covers the point (holes excluded, a shared boundary going to
    /// the first on the map), or null when it is outside the city.
    /// </summary>
    public NeighbourhoodInfo? Locate(GeoPoint point)
    {
        var location = CityMapReader.Factory.CreatePoint(new Coordinate(point.Lon, point.Lat));
        Area? found = null;
        foreach (var candidate in _index.Query(location.EnvelopeInternal))
        {
            if ((found is null || candidate.Order < found.Order) && candidate.Prepared.Covers(location))
            {
                found = candidate;
            }
        }

        return found?.Info;
    }

    public static CityMap Load(Stream geoJson, string source = "the map") => CityMapReader.Read(geoJson, source);

    /// <summary>The demo city shipped with the project.</summary>
    public static CityMap LoadDemo()
    {
        using var stream = typeof(CityMap).Assembly.GetManifestResourceStream("Collab.demo-city.geojson")
            ?? throw new InvalidOperationException("The demo city resource is missing.");
        return Load(stream, "the demo city's map");
    }
}
