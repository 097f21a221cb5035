using System.Security.Claims;
using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Incidents;
using Collab.Gateway.Realtime;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Neighbourhoods;

/// <summary>Neighbourhoods: the map, live picture, and a GeoJSON feed. Open to anyone; anonymous callers get the public view.</summary>
public static class NeighbourhoodApi
{
    public const string GeoJsonContentType = "application/geo+json";

    public static IEndpointRouteBuilder MapNeighbourhoodApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/neighbourhoods").WithTags("Neighbourhoods").AllowAnonymous();
        group.MapGet("/", List).WithName("ListNeighbourhoods");
        group.MapGet("/{slug}", GetNeighbourhood).WithName("GetNeighbourhood");
        group.MapGet("/{slug}/incidents.geojson", GetIncidentFeed).WithName("GetNeighbourhoodIncidentFeed")
            .Produces<FeatureCollection>(StatusCodes.Status200OK, GeoJsonContentType);
        return app;
    }

    private static Ok<List<NeighbourhoodListItem>> List(CityMap map) =>
        TypedResults.Ok(map.All.Select(n => new NeighbourhoodListItem(n.Slug, n.Name, Location(n.Centre))).ToList());

    private static async Task<Results<Ok<NeighbourhoodResponse>, ProblemHttpResult>> GetNeighbourhood(
        string slug, ClaimsPrincipal user, IGrainFactory grains, CityMap map)
    {
        if (map.Find(slug) is null) return Unknown();
        var audience = user.ToActor()?.Audience ?? Audience.Public;
        var outcome = await grains.GetGrain<INeighbourhoodGrain>(slug).GetAsync(audience);
        if (outcome.Error is { } error) return Problems.From(error);
        var v = outcome.Value!;
        return TypedResults.Ok(new NeighbourhoodResponse(
            v.Info.Slug,
            v.Info.Name,
            Location(v.Info.Centre),
            new GeoJsonGeometry("Polygon", v.Info.Boundary),
            EnvelopeMapper.AudienceName(audience),
            v.ActiveIncidents.Select(Summary).ToList(),
            v.CountsLast24h,
            v.Seq));
    }

    private static async Task<IResult> GetIncidentFeed(string slug, ClaimsPrincipal user, IGrainFactory grains, CityMap map)
    {
        if (map.Find(slug) is null) return Unknown();
        var actor = user.ToActor();
        var audience = actor?.Audience ?? Audience.Public;
        var outcome = await grains.GetGrain<INeighbourhoodGrain>(slug).GetAsync(audience);
        if (outcome.Error is { } error) return Problems.From(error);
        var language = actor?.Language ?? Languages.Default;
        var features = outcome.Value!.ActiveIncidents.Select(i => new Feature(
            "Feature",
            i.Id,
            new GeoJsonGeometry("Point", new[] { i.Location.Lon, i.Location.Lat }),
            new Dictionary<string, object?>
            {
                ["category"] = i.Category,
                ["categoryName"] = Categories.Get(i.Category).NameIn(language),
                ["status"] = IncidentMapping.Name(i.Status),
                ["severity"] = IncidentMapping.Name(i.Severity),
                ["locationBlurred"] = i.LocationBlurred,
                ["accuracyM"] = i.Location.AccuracyM,
                ["reportedAt"] = EnvelopeMapper.FormatTime(i.ReportedAt),
                ["updatedAt"] = EnvelopeMapper.FormatTime(i.UpdatedAt),
            })).ToList();
        return TypedResults.Json(new FeatureCollection("FeatureCollection", features), contentType: GeoJsonContentType);
    }

    private static IncidentSummaryDto Summary(IncidentSummary s) => new(
        s.Id, s.Category, IncidentMapping.Name(s.Status), IncidentMapping.Name(s.Severity), Location(s.Location), s.LocationBlurred,
        EnvelopeMapper.FormatTime(s.ReportedAt), EnvelopeMapper.FormatTime(s.UpdatedAt));

    private static LocationDto Location(GeoPoint p) => new(p.Lat, p.Lon, p.AccuracyM);

    private static ProblemHttpResult Unknown() => Problems.NotFound("neighbourhood-not-found", "No such neighbourhood.");
}
