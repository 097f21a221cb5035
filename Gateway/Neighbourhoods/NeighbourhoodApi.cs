using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Localization;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using System.Text.Json;

namespace Collab.Gateway.Neighbourhoods;

/// <summary>
/// Neighbourhoods: the map, live picture, and a GeoJSON feed. Open to anyone; anonymous callers get
/// the public view. Boundaries and feeds are written by NetTopologySuite's GeoJSON writer (RFC 7946).
/// </summary>
public static class NeighbourhoodApi
{
    public const string GeoJsonContentType = "application/geo+json";

    public static IEndpointRouteBuilder MapNeighbourhoodApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/neighbourhoods").WithTags("Neighbourhoods").AllowAnonymous().RequireRateLimiting(RateLimits.AnonymousReads);
        group.MapGet("/", ListNeighbourhoods).WithName("ListNeighbourhoods");
        group.MapGet("/{slug}", GetNeighbourhood).WithName("GetNeighbourhood");
        group.MapGet("/{slug}/incidents.geojson", GetNeighbourhoodIncidentFeed).WithName("GetNeighbourhoodIncidentFeed")
            .Produces<Wire.FeatureCollection>(StatusCodes.Status200OK, GeoJsonContentType);
        return app;
    }

    private static Ok<List<NeighbourhoodListItem>> ListNeighbourhoods(CityMap map) =>
        TypedResults.Ok(map.All.Select(n => new NeighbourhoodListItem(n.Slug, n.Name, LocationDto.From(n.Centre))).ToList());

    private static async Task<Results<Ok<NeighbourhoodResponse>, ProblemHttpResult>> GetNeighbourhood(
        string slug, Caller? caller, IGrainFactory grains, CityMap map, Translations texts)
    {
        if (map.Find(slug) is null) return Unknown();
        var audience = caller?.Audience ?? Audience.Public;
        var outcome = await grains.GetGrain<INeighbourhoodGrain>(slug).GetAsync(audience);
        if (outcome.Error is { } error) return Problems.From(error);
        var v = outcome.Value!;
        var language = Translations.RequestLanguage;
        return TypedResults.Ok(new NeighbourhoodResponse(
            v.Info.Slug,
            v.Info.Name,
            LocationDto.From(v.Info.Centre),
            Boundary(map.AreaOf(slug)!),
            WireFormat.Name(audience),
            v.ActiveIncidents.Select(i => Summary(i, language, texts)).ToList(),
            v.CountsLast24h,
            v.Seq));
    }

    private static async Task<IResult> GetNeighbourhoodIncidentFeed(string slug, Caller? caller, IGrainFactory grains, CityMap map, Translations texts)
    {
        if (map.Find(slug) is null) return Unknown();
        var audience = caller?.Audience ?? Audience.Public;
        var outcome = await grains.GetGrain<INeighbourhoodGrain>(slug).GetAsync(audience);
        if (outcome.Error is { } error) return Problems.From(error);
        var language = Translations.RequestLanguage;
        var features = new NetTopologySuite.Features.FeatureCollection();
        foreach (var i in outcome.Value!.ActiveIncidents)
        {
            var point = CityMapReader.Factory.CreatePoint(new Coordinate(i.Location.Lon, i.Location.Lat));
            features.Add(new NetTopologySuite.Features.Feature(point, Properties(i, language, texts)));
        }

        return TypedResults.Text(JsonSerializer.Serialize(features, CityMapReader.GeoJson), GeoJsonContentType, System.Text.Encoding.UTF8);
    }

    /// <summary>An incident's feature properties; <c>id</c> is written as the feature's own id.</summary>
    private static AttributesTable Properties(IncidentSummary i, string language, Translations texts)
    {
        var properties = new Dictionary<string, object?>
        {
            ["id"] = i.Id,
            ["category"] = i.Category,
            ["categoryName"] = texts.CategoryName(i.Category, language),
            ["status"] = WireFormat.Name(i.Status),
            ["statusName"] = texts.StatusName(i.Status, language),
            ["severity"] = WireFormat.Name(i.Severity),
            ["severityName"] = texts.SeverityName(i.Severity, language),
            ["locationBlurred"] = i.LocationBlurred,
            ["accuracyM"] = i.Location.AccuracyM,
            ["reportedAt"] = WireFormat.Time(i.ReportedAt),
            ["updatedAt"] = WireFormat.Time(i.UpdatedAt),
        };
        return new AttributesTable(properties!);
    }

    /// <summary>A neighbourhood's area as RFC 7946 writes it: a Polygon (holes after the outer ring) or a MultiPolygon.</summary>
    private static GeoJsonGeometry Boundary(Geometry area)
    {
        var geometry = JsonSerializer.SerializeToElement(area, CityMapReader.GeoJson);
        return new GeoJsonGeometry(geometry.GetProperty("type").GetString()!, geometry.GetProperty("coordinates"));
    }

    private static IncidentSummaryDto Summary(IncidentSummary s, string language, Translations texts) => new(
        s.Id, s.Category, WireFormat.Name(s.Status), WireFormat.Name(s.Severity), LocationDto.From(s.Location), s.LocationBlurred,
        WireFormat.Time(s.ReportedAt), WireFormat.Time(s.UpdatedAt),
        texts.CategoryName(s.Category, language), texts.StatusName(s.Status, language), texts.SeverityName(s.Severity, language));

    private static ProblemHttpResult Unknown() => Problems.NotFound("neighbourhood-not-found", "No such neighbourhood.");
}
