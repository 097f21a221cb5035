using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Collab.Common;
using Collab.Neighbourhoods;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Collab.Tests.City;

/// <summary>
/// The city map through NetTopologySuite: polygons with holes and multipolygons, the indexed point
/// lookup, the checks of a map file (each error naming its feature), and the GeoJSON the gateway writes.
/// </summary>
public sealed class CityMapTests
{
    private const string Ring = """{ "type": "Feature", "properties": { "slug": "ring", "name": "Ring" }, "geometry": { "type": "Polygon", "coordinates": [ [[4.0,52.0],[4.1,52.0],[4.1,52.1],[4.0,52.1],[4.0,52.0]], [[4.03,52.03],[4.03,52.07],[4.07,52.07],[4.07,52.03],[4.03,52.03]] ] } }""";
    private const string Park = """{ "type": "Feature", "properties": { "slug": "park", "name": "Park" }, "geometry": { "type": "Polygon", "coordinates": [ [[4.03,52.03],[4.07,52.03],[4.07,52.07],[4.03,52.07],[4.03,52.03]] ] } }""";
    private const string Islands = """{ "type": "Feature", "properties": { "slug": "islands", "name": "Islands" }, "geometry": { "type": "MultiPolygon", "coordinates": [ [ [[4.2,52.0],[4.25,52.0],[4.25,52.05],[4.2,52.05],[4.2,52.0]] ], [ [[4.3,52.0],[4.35,52.0],[4.35,52.05],[4.3,52.05],[4.3,52.0]] ] ] } }""";

    private static string Map(params string[] features) => $$"""{ "type": "FeatureCollection", "name": "Archipelago", "features": [ {{string.Join(", ", features)}} ] }""";

    private static CityMap Load(string json) => CityMap.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test map");

    [Theory]
    [InlineData(52.01, 4.01, "ring")]
    [InlineData(52.05, 4.05, "park")]
    [InlineData(52.02, 4.22, "islands")]
    [InlineData(52.02, 4.32, "islands")]
    [InlineData(52.02, 4.27, null)]
    [InlineData(52.2, 4.05, null)]
    [InlineData(52.03, 4.05, "ring")]
    public void APointIsFoundInItsNeighbourhoodHolesAndIslandsIncluded(double lat, double lon, string? expected)
    {
        var map = Load(Map(Ring, Park, Islands));
        Assert.Equal(expected, map.Locate(new GeoPoint(lat, lon))?.Slug);
    }

    [Fact]
    public void ACentreLiesInItsOwnNeighbourhoodEvenWhenTheCentroidFallsInAHole()
    {
        var map = Load(Map(Ring, Park, Islands));
        Assert.Equal("ring", map.Locate(map.Find("ring")!.Centre)?.Slug);
        Assert.Equal(new GeoPoint(52.05, 4.05), map.Find("park")!.Centre);
        Assert.Equal("Archipelago", map.Name);
        Assert.Equal(2, map.AreaOf("islands")!.NumGeometries);
        Assert.Equal(1, ((NetTopologySuite.Geometries.Polygon)map.AreaOf("ring")!).NumInteriorRings);
    }

    [Fact]
    public void TheDemoCityStillFindsItsNeighbourhoodsThroughTheIndex()
    {
        var map = CityMap.LoadDemo();
        Assert.Equal(6, map.All.Count);
        Assert.Equal("centrum", map.Locate(new GeoPoint(52.0712, 4.2811))?.Slug);
        foreach (var n in map.All) Assert.Equal(n.Slug, map.Locate(n.Centre)?.Slug);
        Assert.Null(map.Locate(new GeoPoint(48.85, 2.35)));
    }

    public static TheoryData<string, string> BadMaps => new()
    {
        { Map(Ring, """{ "type": "Feature", "properties": { "slug": "bowtie", "name": "Bow tie" }, "geometry": { "type": "Polygon", "coordinates": [ [[4.5,52.0],[4.6,52.1],[4.6,52.0],[4.5,52.1],[4.5,52.0]] ] } }"""),
            "test map: feature 1 ('bowtie'): the geometry is not valid: Self-intersection" },
        { Map("""{ "type": "Feature", "properties": { "slug": "leaky", "name": "Leaky" }, "geometry": { "type": "Polygon", "coordinates": [ [[4.0,52.0],[4.1,52.0],[4.1,52.1],[4.0,52.1],[4.0,52.0]], [[4.5,52.5],[4.6,52.5],[4.6,52.6],[4.5,52.5]] ] } }"""),
            "test map: feature 0 ('leaky'): the geometry is not valid: Hole lies outside shell" },
        { Map(Ring, """{ "type": "Feature", "properties": { "slug": "road", "name": "Road" }, "geometry": { "type": "LineString", "coordinates": [[4.5,52.0],[4.6,52.1]] } }"""),
            "test map: feature 1 ('road'): the geometry must be a Polygon or a MultiPolygon, not LineString" },
        { Map(Park, """{ "type": "Feature", "properties": { "name": "Nameless" }, "geometry": { "type": "Polygon", "coordinates": [ [[4.5,52.0],[4.6,52.0],[4.6,52.1],[4.5,52.0]] ] } }"""),
            "test map: feature 1 needs a 'slug' property" },
        { Map(Park, Park.Replace("\"Park\"", "\"Park two\"")), "test map: feature 1 ('park'): the slug 'park' is used by another feature too" },
        { Map(Ring, Park, Park.Replace("park", "meadow").Replace("4.07", "4.08")), "the neighbourhoods 'ring' and 'meadow' overlap" },
        { Map("""{ "type": "Feature", "properties": { "slug": "far", "name": "Far" }, "geometry": { "type": "Polygon", "coordinates": [ [[4.5,92.0],[4.6,92.0],[4.6,92.1],[4.5,92.0]] ] } }"""),
            "test map: feature 0 ('far'): the position [4.5, 92] is not a longitude and latitude" },
        { "{ \"type\": \"FeatureCollection\", \"features\": [ { \"type\": \"Feature\", ", "test map is not valid GeoJSON" },
        { """{ "type": "Polygon", "coordinates": [] }""", "test map is not a GeoJSON FeatureCollection" },
    };

    [Theory]
    [MemberData(nameof(BadMaps))]
    public void ABadMapIsRefusedNamingTheFeature(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Load(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task AGatewayWithABadMapFileRefusesToStartNamingTheFileAndTheFeature()
    {
        var file = await WriteAsync(Map(Ring, """{ "type": "Feature", "properties": { "slug": "bowtie", "name": "Bow tie" }, "geometry": { "type": "Polygon", "coordinates": [ [[4.5,52.0],[4.6,52.1],[4.6,52.0],[4.5,52.1],[4.5,52.0]] ] } }"""));
        try
        {
            var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            {
                await using var app = EmbeddedCity.Build(new() { ["Collab:City:MapFile"] = file });
                await app.StartAsync();
            });
            Assert.Contains($"Collab:City:MapFile '{file}': feature 1 ('bowtie'): the geometry is not valid", failure.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ACityWithHolesAndIslandsServesItsMapReportsAndFeedsAsGeoJson()
    {
        var file = await WriteAsync(Map(Ring, Park, Islands));
        try
        {
            await using var city = await EmbeddedCity.StartAsync(new() { ["Collab:City:MapFile"] = file });
            using var anonymous = city.Http();
            var islands = JsonDocument.Parse(await (await anonymous.GetAsync("/api/neighbourhoods/islands")).Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("MultiPolygon", islands.GetProperty("boundary").Str("type"));
            Assert.Equal(2, islands.GetProperty("boundary").GetProperty("coordinates").GetArrayLength());
            var ring = JsonDocument.Parse(await (await anonymous.GetAsync("/api/neighbourhoods/ring")).Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Polygon", ring.GetProperty("boundary").Str("type"));
            Assert.Equal(2, ring.GetProperty("boundary").GetProperty("coordinates").GetArrayLength());

            // A report in the ring's hole is the park's; one on the second island is the islands'; one between them is outside the city.
            using var citizen = city.Http(await city.TokenAsync("citizen"));
            var inPark = await (await citizen.PostJsonAsync("/api/incidents", Sample.Report(lat: 52.05, lon: 4.05))).JsonAsync(HttpStatusCode.Created);
            Assert.Equal("park", inPark.Str("neighbourhood"));
            var onIsland = await (await citizen.PostJsonAsync("/api/incidents", Sample.Report(lat: 52.02, lon: 4.32))).JsonAsync(HttpStatusCode.Created);
            Assert.Equal("islands", onIsland.Str("neighbourhood"));
            await (await citizen.PostJsonAsync("/api/incidents", Sample.Report(lat: 52.02, lon: 4.27))).ProblemAsync(HttpStatusCode.BadRequest, "outside-city");

            var response = await anonymous.GetAsync("/api/neighbourhoods/islands/incidents.geojson");
            Assert.True("application/geo+json" == response.Content.Headers.ContentType!.MediaType, await response.Content.ReadAsStringAsync());
            var feed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("FeatureCollection", feed.Str("type"));
            var feature = feed.GetProperty("features").EnumerateArray().Single();
            Assert.Equal("Feature", feature.Str("type"));
            Assert.Equal(onIsland.Str("id"), feature.Str("id"));
            Assert.Equal("Point", feature.GetProperty("geometry").Str("type"));
            Assert.Equal(2, feature.GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
            Assert.Equal("vandalism", feature.GetProperty("properties").Str("category"));
            Assert.False(feature.GetProperty("properties").TryGetProperty("id", out _));

            // CAP has no multipolygons: one polygon per island.
            var council = city.Http(await city.TokenAsync("council"));
            var alert = await (await council.PostJsonAsync("/api/neighbourhoods/islands/alerts", new
            {
                headline = "Ferry cancelled", description = "No ferry tonight.", severity = "minor", urgency = "expected", certainty = "likely",
            })).JsonAsync(HttpStatusCode.Created);
            XNamespace cap = "urn:oasis:names:tc:emergency:cap:1.2";
            var xml = XDocument.Parse(await (await anonymous.GetAsync($"/api/alerts/{alert.Str("id")}/cap")).Content.ReadAsStringAsync());
            Assert.Equal(2, xml.Descendants(cap + "polygon").Count());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> WriteAsync(string json)
    {
        var file = Path.Combine(Path.GetTempPath(), $"collab-map-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(file, json);
        return file;
    }
}
