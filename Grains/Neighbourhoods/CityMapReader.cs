using System.Text.Json;
using System.Text.RegularExpressions;
using Collab.Common;
using Collab.Hosting;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace Collab.Neighbourhoods;

/// <summary>
/// Reads and checks a city's map, a GeoJSON FeatureCollection, through NetTopologySuite's GeoJSON
/// reader: each feature a neighbourhood with a unique <c>slug</c> and a <c>name</c>, its geometry a
/// valid Polygon (holes allowed) or MultiPolygon in longitude/latitude, no two neighbourhoods
/// overlapping. Every error names the feature.
/// </summary>
public static partial class CityMapReader
{
    /// <summary>WGS 84 (RFC 7946), for every geometry of the map.</summary>
    public static GeometryFactory Factory { get; } = new(new PrecisionModel(), 4326);

    /// <summary>How the map is read and GeoJSON is written: NetTopologySuite's converters, RFC 7946 ring orientation.</summary>
    public static JsonSerializerOptions GeoJson { get; } = new()
    {
        Converters = { new GeoJsonConverterFactory(Factory, false, "id", RingOrientationOption.EnforceRfc9746) },
    };

    public static CityMap Read(Stream stream, string source)
    {
        var errors = new List<string>();
        var map = TryRead(stream, source, errors);
        return map ?? throw new InvalidDataException(string.Join(Environment.NewLine, errors));
    }

    /// <summary>What is wrong with <c>Collab:City:MapFile</c>, each naming the feature; empty when nothing (or no file is set).</summary>
    public static List<string> Validate(CityOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.MapFile)) return errors;
        var source = $"Collab:City:MapFile '{options.MapFile}'";
        try
        {
            using var stream = File.OpenRead(options.MapFile);
            TryRead(stream, source, errors);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{source} cannot be read: {ex.Message}");
        }

        return errors;
    }

    private static CityMap? TryRead(Stream stream, string source, List<string> errors)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        string cityName;
        FeatureCollection? features;
        try
        {
            using (var document = JsonDocument.Parse(bytes))
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "FeatureCollection")
                {
                    errors.Add($"{source} is not a GeoJSON FeatureCollection.");
                    return null;
                }

                cityName = root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : "City";
            }

            features = JsonSerializer.Deserialize<FeatureCollection>(bytes, GeoJson);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            errors.Add($"{source} is not valid GeoJSON: {ex.Message}");
            return null;
        }

        if (features is null || features.Count == 0)
        {
            errors.Add($"{source} has no neighbourhoods.");
            return null;
        }

        var neighbourhoods = new List<(NeighbourhoodInfo Info, Geometry Geometry)>();
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            var slug = Text(feature.Attributes, "slug");
            var at = slug is null ? $"{source}: feature {i}" : $"{source}: feature {i} ('{slug}')";
            if (slug is null || !SlugShape().IsMatch(slug)) errors.Add($"{at} needs a 'slug' property of 1-64 characters of a-z, 0-9 and '-'.");
            else if (!slugs.Add(slug)) errors.Add($"{at}: the slug '{slug}' is used by another feature too.");
            var name = Text(feature.Attributes, "name") ?? slug ?? "";
            if (name.Length is 0 or > 100 || !TextRules.IsValid(name)) errors.Add($"{at} needs a 'name' property of 1-100 characters without control characters.");
            if (Problem(feature.Geometry) is { } problem)
            {
                errors.Add($"{at}: {problem}");
                continue;
            }

            if (slug is not null) neighbourhoods.Add((new NeighbourhoodInfo(slug, name, Centre(feature.Geometry)), feature.Geometry));
        }

        errors.AddRange(Overlaps(neighbourhoods).Select(pair => $"{source}: the neighbourhoods '{pair.A}' and '{pair.B}' overlap; a location must belong to one."));
        return errors.Count == 0 ? new CityMap(cityName, neighbourhoods) : null;
    }

    /// <summary>Why a feature's geometry cannot be a neighbourhood's area, or null.</summary>
    private static string? Problem(Geometry? geometry)
    {
        if (geometry is not (Polygon or MultiPolygon)) return $"the geometry must be a Polygon or a MultiPolygon, not {(geometry is null ? "missing" : geometry.GeometryType)}.";
        if (geometry.IsEmpty) return "the geometry is empty.";
        if (geometry.Coordinates.FirstOrDefault(c => c.X is < -180 or > 180 || c.Y is < -90 or > 90 || !double.IsFinite(c.X) || !double.IsFinite(c.Y)) is { } outside)
        {
            return $"the position [{outside.X}, {outside.Y}] is not a longitude and latitude.";
        }

        var validity = new IsValidOp(geometry).ValidationError;
        return validity is null ? null : $"the geometry is not valid: {validity.Message} at [{validity.Coordinate?.X}, {validity.Coordinate?.Y}].";
    }

    private static IEnumerable<(string A, string B)> Overlaps(List<(NeighbourhoodInfo Info, Geometry Geometry)> areas)
    {
        for (var i = 0; i < areas.Count; i++)
        {
            for (var j = i + 1; j < areas.Count; j++)
            {
                // Interiors that meet: sharing a boundary is fine, sharing ground is not.
                if (areas[i].Geometry.EnvelopeInternal.Intersects(areas[j].Geometry.EnvelopeInternal)
                    && areas[i].Geometry.Relate(areas[j].Geometry, "T********"))
                {
                    yield return (areas[i].Info.Slug, areas[j].Info.Slug);
                }
            }
        }
    }

    /// <summary>The centroid when it lies in the area, else a point that does (a concave or holed area's centroid may not).</summary>
    private static GeoPoint Centre(Geometry area)
    {
        var centroid = area.Centroid;
        var centre = area.Covers(centroid) ? centroid : area.InteriorPoint;
        return new GeoPoint(Math.Round(centre.Y, 6), Math.Round(centre.X, 6));
    }

    private static string? Text(IAttributesTable? attributes, string name)
    {
        if (attributes is null || !attributes.Exists(name)) return null;
        return attributes[name] switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex SlugShape();
}
