using System.Globalization;
using System.Text;
using System.Text.Json;
using Collab.Categories;
using Collab.Gateway.Auth;
using Collab.Gateway.Neighbourhoods;
using Collab.Gateway.Wire;
using Collab.Neighbourhoods;
using Collab.Research;
using Microsoft.Extensions.Options;
using NetTopologySuite.Features;

namespace Collab.Gateway.Research;

/// <summary>
/// <c>/api/research</c>, for researchers only: aggregates as JSON, CSV and GeoJSON. Every answer is
/// built from <see cref="ResearchCells"/>, so the three formats publish the same cells and nothing else.
/// </summary>
public static class ResearchApi
{
    public const string CsvContentType = "text/csv";

    public static IEndpointRouteBuilder MapResearchApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/research").WithTags("Research").RequireAuthorization(Roles.ResearcherOnly);
        group.MapGet("/cells", GetResearchCells).WithName("GetResearchCells")
            .Produces<ResearchCellsResponse>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/cells.csv", GetResearchCellsCsv).WithName("GetResearchCellsCsv")
            .Produces<string>(StatusCodes.Status200OK, CsvContentType).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/neighbourhoods.geojson", GetResearchNeighbourhoods).WithName("GetResearchNeighbourhoods")
            .Produces<Wire.FeatureCollection>(StatusCodes.Status200OK, NeighbourhoodApi.GeoJsonContentType).ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> GetResearchCells(HttpRequest request, IGrainFactory grains, CityMap map, CityCategories categories, IOptions<ResearchOptions> options, TimeProvider clock)
    {
        var (query, cells, problem) = await ReadAsync(request, grains, map, categories, options.Value, clock);
        if (problem is not null) return problem;
        var o = options.Value;
        return TypedResults.Ok(new ResearchCellsResponse(
            ResearchQuery.Format(query!.From), ResearchQuery.Format(query.To), o.TimeZone, o.MinCellCount, o.HistoryDays,
            cells!.Select(c => new ResearchCellDto(c.Neighbourhood, ResearchQuery.WeekdayName(c.Weekday), c.Hour, c.Category, c.Count,
                Times(c.Acknowledge), Times(c.Dispatch), Times(c.Resolve))).ToList()));
    }

    private static async Task<IResult> GetResearchCellsCsv(HttpRequest request, IGrainFactory grains, CityMap map, CityCategories categories, IOptions<ResearchOptions> options, TimeProvider clock)
    {
        var (_, cells, problem) = await ReadAsync(request, grains, map, categories, options.Value, clock);
        if (problem is not null) return problem;
        var csv = new StringBuilder("neighbourhood,weekday,hour,category,count");
        foreach (var stage in new[] { "acknowledge", "dispatch", "resolve" })
        {
            csv.Append(CultureInfo.InvariantCulture, $",{stage}_count,{stage}_mean_minutes,{stage}_median_bin");
        }

        csv.Append("\r\n");
        foreach (var c in cells!)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{Field(c.Neighbourhood)},{ResearchQuery.WeekdayName(c.Weekday)},{c.Hour},{Field(c.Category)},{c.Count}");
            foreach (var times in new[] { Times(c.Acknowledge), Times(c.Dispatch), Times(c.Resolve) })
            {
                csv.Append(times is null ? ",,," : string.Create(CultureInfo.InvariantCulture, $",{times.Count},{times.MeanMinutes:0.0},{times.MedianBin}"));
            }

            csv.Append("\r\n");
        }

        return TypedResults.Text(csv.ToString(), CsvContentType + "; header=present", Encoding.UTF8);
    }

    private static async Task<IResult> GetResearchNeighbourhoods(HttpRequest request, IGrainFactory grains, CityMap map, CityCategories categories, IOptions<ResearchOptions> options, TimeProvider clock)
    {
        var (query, cells, problem) = await ReadAsync(request, grains, map, categories, options.Value, clock);
        if (problem is not null) return problem;
        var features = new NetTopologySuite.Features.FeatureCollection();
        foreach (var slug in query!.Neighbourhoods)
        {
            var own = cells!.Where(c => c.Neighbourhood == slug).ToList();
            var byCategory = own.GroupBy(c => c.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (object?)g.Sum(c => c.Count));
            var properties = new Dictionary<string, object?>
            {
                ["slug"] = slug,
                ["name"] = map.Find(slug)!.Name,
                // Sums of the published cells only: a total counting suppressed cells would give them away by difference.
                ["count"] = own.Sum(c => c.Count),
                ["categories"] = new AttributesTable(byCategory!),
                ["from"] = ResearchQuery.Format(query.From),
                ["to"] = ResearchQuery.Format(query.To),
            };
            features.Add(new NetTopologySuite.Features.Feature(map.AreaOf(slug)!, new AttributesTable(properties!)));
        }

        return TypedResults.Text(JsonSerializer.Serialize(features, CityMapReader.GeoJson), NeighbourhoodApi.GeoJsonContentType, Encoding.UTF8);
    }

    private static async Task<(ResearchQuery? Query, IReadOnlyList<ResearchCells.Cell>? Cells, IResult? Problem)> ReadAsync(
        HttpRequest request, IGrainFactory grains, CityMap map, CityCategories categories, ResearchOptions options, TimeProvider clock)
    {
        var zone = options.Zone()!;
        var (query, problem) = ResearchQuery.Parse(request.Query, map, categories, options, zone, clock.GetUtcNow());
        if (problem is not null) return (null, null, problem);
        return (query, await ResearchCells.ReadAsync(query!, grains, zone, options.MinCellCount), null);
    }

    private static ResponseTimesDto? Times(ResponseTimes? t) => t is null ? null : new(
        t.Count,
        Math.Round(t.TotalSeconds / 60.0 / t.Count, 1),
        ResponseBins.Label(ResearchCells.MedianBin(t)),
        t.Bins.Select((n, i) => new ResponseBinDto(ResponseBins.Label(i), n)).ToList());

    /// <summary>A CSV field (RFC 4180): quoted when it holds a comma, quote or line break.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
