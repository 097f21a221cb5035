using System.Globalization;
using System.Net;
using System.Text.Json;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Research;

/// <summary>
/// The research aggregates through real HTTP: cells as JSON, CSV and GeoJSON, response times, the
/// threshold that keeps small cells out, and the 400s. Each test reports into Oosterhout with a
/// category no other test of the collection files there, so its cells are its own.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ResearchApiTests(GatewayFixture fx)
{
    /// <summary>A point in the demo city's Oosterhout.</summary>
    private const double Lat = 52.0905, Lon = 4.3301;

    private static string Day(DateTime utc) => utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Yesterday to today (UTC, the default research zone): a test that runs over midnight still finds its reports.</summary>
    private static string Range() => $"from={Day(DateTime.UtcNow.AddDays(-1))}&to={Day(DateTime.UtcNow)}";

    /// <summary>Reports <paramref name="count"/> incidents within one UTC hour (again, should an hour turn meanwhile); their ids and the hour.</summary>
    private async Task<(List<string> Ids, DateTime Hour)> ReportInOneHourAsync(string category, int count, string description)
    {
        while (true)
        {
            var hour = DateTime.UtcNow;
            var ids = new List<string>();
            for (var i = 0; i < count; i++)
            {
                var citizen = await fx.UserAsync("citizen");
                var body = Sample.Report(category, $"{description} {i}", Lat, Lon);
                ids.Add((await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", body)).JsonAsync(HttpStatusCode.Created)).Str("id"));
            }

            if (DateTime.UtcNow.Hour == hour.Hour)
            {
                return (ids, hour);
            }
        }
    }

    private async Task SetStatusAsync(string token, string id, string status) =>
        await (await fx.Http(token).PostJsonAsync($"/api/incidents/{id}/status", new { status })).JsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task ACellOfFiveIsPublishedWithItsResponseTimesInEveryFormat()
    {
        var (ids, hour) = await ReportInOneHourAsync("suspicious", 5, "Someone trying car doors");
        var police = await fx.UserAsync("police");
        foreach (var id in ids)
        {
            await SetStatusAsync(police.Token, id, "acknowledged");
        }

        // One dispatch only: timed for fewer incidents than the threshold, it is left out.
        await SetStatusAsync(police.Token, ids[0], "dispatched");

        var researcher = await fx.UserAsync("researcher");
        using var http = fx.Http(researcher.Token);
        var filter = $"{Range()}&neighbourhood=oosterhout&category=suspicious";
        var json = await (await http.GetAsync($"/api/research/cells?{filter}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(5, json.GetProperty("minCellCount").GetInt32());
        Assert.Equal("UTC", json.Str("timeZone"));
        var cell = Assert.Single(json.GetProperty("cells").EnumerateArray(), c => c.GetProperty("hour").GetInt32() == hour.Hour);
        Assert.Equal("oosterhout", cell.Str("neighbourhood"));
        Assert.Equal("suspicious", cell.Str("category"));
        Assert.Equal(hour.DayOfWeek.ToString().ToLowerInvariant(), cell.Str("weekday"));
        Assert.True(cell.GetProperty("count").GetInt32() >= 5);
        var acknowledge = cell.GetProperty("acknowledge");
        Assert.True(acknowledge.GetProperty("count").GetInt32() >= 5);
        Assert.Equal("0-5m", acknowledge.Str("medianBin"));
        Assert.True(acknowledge.GetProperty("meanMinutes").GetDouble() < 5);
        Assert.Equal(8, acknowledge.GetProperty("distribution").GetArrayLength());
        Assert.Equal(acknowledge.GetProperty("count").GetInt32(), acknowledge.GetProperty("distribution").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
        Assert.Equal(JsonValueKind.Null, cell.GetProperty("dispatch").ValueKind);
        Assert.Equal(JsonValueKind.Null, cell.GetProperty("resolve").ValueKind);

        // The CSV carries the same cells.
        var csvResponse = await http.GetAsync($"/api/research/cells.csv?{filter}");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = (await csvResponse.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("neighbourhood,weekday,hour,category,count,acknowledge_count,acknowledge_mean_minutes,acknowledge_median_bin,dispatch_count", lines[0]);
        Assert.Equal(json.GetProperty("cells").GetArrayLength(), lines.Length - 1);
        var row = Assert.Single(lines.Skip(1), l => l.Split(',')[2] == hour.Hour.ToString(CultureInfo.InvariantCulture)).Split(',');
        Assert.Equal(["oosterhout", cell.Str("weekday"), hour.Hour.ToString(CultureInfo.InvariantCulture), "suspicious", cell.GetProperty("count").GetInt32().ToString(CultureInfo.InvariantCulture)], row[..5]);
        Assert.Equal(acknowledge.GetProperty("count").GetInt32().ToString(CultureInfo.InvariantCulture), row[5]);
        Assert.Equal("0-5m", row[7]);
        Assert.Equal(["", "", ""], row[8..11]);

        // The GeoJSON: the neighbourhood's polygon with the published cells' sums as properties.
        var geoResponse = await http.GetAsync($"/api/research/neighbourhoods.geojson?{Range()}&neighbourhood=oosterhout&category=suspicious");
        Assert.Equal("application/geo+json", geoResponse.Content.Headers.ContentType?.MediaType);
        var geo = JsonDocument.Parse(await geoResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("FeatureCollection", geo.Str("type"));
        var feature = Assert.Single(geo.GetProperty("features").EnumerateArray());
        Assert.Equal("Polygon", feature.GetProperty("geometry").Str("type"));
        var properties = feature.GetProperty("properties");
        Assert.Equal("oosterhout", properties.Str("slug"));
        var published = json.GetProperty("cells").EnumerateArray().Sum(c => c.GetProperty("count").GetInt32());
        Assert.Equal(published, properties.GetProperty("count").GetInt32());
        Assert.Equal(published, properties.GetProperty("categories").GetProperty("suspicious").GetInt32());

        // Nothing of an incident itself.
        foreach (var body in new[] { json.GetRawText(), string.Join("\n", lines), geo.GetRawText() })
        {
            Assert.DoesNotContain(ids[0], body, StringComparison.Ordinal);
            Assert.DoesNotContain("car doors", body, StringComparison.Ordinal);
            Assert.DoesNotContain("citizen-", body, StringComparison.Ordinal);
        }

        // Where the study's zone is Zurich's, the same reports fall in Zurich's hour and weekday.
        var zurich = TimeZoneInfo.FindSystemTimeZoneById("Europe/Zurich");
        var local = TimeZoneInfo.ConvertTimeFromUtc(hour, zurich);
        var localToday = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zurich);
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Research:TimeZone"] = "Europe/Zurich" });
        try
        {
            using var zoned = new HttpClient { BaseAddress = url };
            zoned.DefaultRequestHeaders.Authorization = new("Bearer", researcher.Token);
            var inZurich = await (await zoned.GetAsync($"/api/research/cells?from={Day(localToday.AddDays(-2))}&to={Day(localToday)}&neighbourhood=oosterhout&category=suspicious"))
                .JsonAsync(HttpStatusCode.OK);
            Assert.Equal("Europe/Zurich", inZurich.Str("timeZone"));
            var zonedCell = Assert.Single(inZurich.GetProperty("cells").EnumerateArray(), c => c.GetProperty("hour").GetInt32() == local.Hour);
            Assert.Equal(local.DayOfWeek.ToString().ToLowerInvariant(), zonedCell.Str("weekday"));
            Assert.Equal(cell.GetProperty("count").GetInt32(), zonedCell.GetProperty("count").GetInt32());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task OneIncidentCannotBeSingledOutByNarrowingTheFilters()
    {
        var citizen = await fx.UserAsync("citizen");
        var report = Sample.Report("public-space", "Broken bench by the night club", Lat, Lon);
        var incident = await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", report)).JsonAsync(HttpStatusCode.Created);
        var id = incident.Str("id");
        var reportedAt = DateTime.Parse(incident.Str("reportedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var police = await fx.UserAsync("police");
        await SetStatusAsync(police.Token, id, "acknowledged");
        await SetStatusAsync(police.Token, id, "resolved");

        var researcher = await fx.UserAsync("researcher");
        using var http = fx.Http(researcher.Token);
        var day = Day(reportedAt);
        var weekday = reportedAt.DayOfWeek.ToString().ToLowerInvariant();
        string[] narrowings =
        [
            Range(),
            $"from={day}&to={day}&neighbourhood=oosterhout",
            $"from={day}&to={day}&neighbourhood=oosterhout&category=public-space",
            $"from={day}&to={day}&neighbourhood=oosterhout&category=public-space&hour={reportedAt.Hour}",
            $"from={day}&to={day}&neighbourhood=oosterhout&category=public-space&hour={reportedAt.Hour}&weekday={weekday}",
        ];
        foreach (var filter in narrowings)
        {
            var json = await (await http.GetAsync($"/api/research/cells?{filter}")).JsonAsync(HttpStatusCode.OK);
            Assert.DoesNotContain(json.GetProperty("cells").EnumerateArray(), c => c.Str("neighbourhood") == "oosterhout" && c.Str("category") == "public-space");
            var csv = await (await http.GetAsync($"/api/research/cells.csv?{filter}")).Content.ReadAsStringAsync();
            Assert.DoesNotContain("oosterhout", csv.Split("\r\n").Skip(1).Where(l => l.Contains(",public-space,", StringComparison.Ordinal)));
            var geo = JsonDocument.Parse(await (await http.GetAsync($"/api/research/neighbourhoods.geojson?{filter}")).Content.ReadAsStringAsync()).RootElement;
            var oosterhout = geo.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").Str("slug") == "oosterhout").GetProperty("properties");
            Assert.False(oosterhout.GetProperty("categories").TryGetProperty("public-space", out _));
            Assert.Equal(json.GetProperty("cells").EnumerateArray().Where(c => c.Str("neighbourhood") == "oosterhout").Sum(c => c.GetProperty("count").GetInt32()),
                oosterhout.GetProperty("count").GetInt32());
            foreach (var body in new[] { json.GetRawText(), csv, geo.GetRawText() })
            {
                Assert.DoesNotContain(id, body, StringComparison.Ordinal);
                Assert.DoesNotContain("night club", body, StringComparison.Ordinal);
                Assert.DoesNotContain(citizen.Sub, body, StringComparison.Ordinal);
                Assert.DoesNotContain(incident.Str("reportedAt"), body, StringComparison.Ordinal);
            }
        }

        // A second report in the same hour makes a cell of two: still hidden here, published where the threshold is 2,
        // so it is the threshold, not a lack of data, that hides these reports.
        DateTime second;
        while (true)
        {
            var other = await fx.UserAsync("citizen");
            second = DateTime.Parse((await (await fx.Http(other.Token).PostJsonAsync("/api/incidents", Sample.Report("public-space", "Bottles on the steps", Lat, Lon)))
                .JsonAsync(HttpStatusCode.Created)).Str("reportedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            if (second.Hour == reportedAt.Hour)
            {
                break;
            }

            // The hour turned: the next report joins this one in the new hour.
            reportedAt = second;
        }

        var narrowest = $"from={Day(second)}&to={Day(second)}&neighbourhood=oosterhout&category=public-space&hour={second.Hour}";
        var hidden = await (await http.GetAsync($"/api/research/cells?{narrowest}")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(hidden.GetProperty("cells").EnumerateArray());
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Research:MinCellCount"] = "2" });
        try
        {
            using var lower = new HttpClient { BaseAddress = url };
            lower.DefaultRequestHeaders.Authorization = new("Bearer", researcher.Token);
            var json = await (await lower.GetAsync($"/api/research/cells?{narrowest}")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(2, json.GetProperty("minCellCount").GetInt32());
            var cell = Assert.Single(json.GetProperty("cells").EnumerateArray());
            Assert.Equal(2, cell.GetProperty("count").GetInt32());
            // One of the two was acknowledged and resolved: a single time is never published.
            Assert.Equal(JsonValueKind.Null, cell.GetProperty("resolve").ValueKind);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public static TheoryData<string, string> BadQueries()
    {
        var today = Day(DateTime.UtcNow);
        var tomorrow = Day(DateTime.UtcNow.AddDays(2));
        var yesterday = Day(DateTime.UtcNow.AddDays(-1));
        return new()
        {
            { "", "research-range-invalid" },
            { $"from={today}", "research-range-invalid" },
            { $"from={today}&to=29-11-2026", "research-range-invalid" },
            { $"from={today}&from={yesterday}&to={today}", "research-range-invalid" },
            { $"from={today}&to={yesterday}", "research-range-invalid" },
            { $"from={today}&to={tomorrow}", "research-range-invalid" },
            { $"from={Day(DateTime.UtcNow.AddDays(-400))}&to={today}", "research-range-outside-history" },
            { $"from={today}&to={today}&neighbourhood=atlantis", "research-filter-invalid" },
            { $"from={today}&to={today}&category=jaywalking", "research-filter-invalid" },
            { $"from={today}&to={today}&hour=24", "research-filter-invalid" },
            { $"from={today}&to={today}&hour=-1", "research-filter-invalid" },
            { $"from={today}&to={today}&hour=night", "research-filter-invalid" },
            { $"from={today}&to={today}&weekday=funday", "research-filter-invalid" },
        };
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task BadRangesAndFiltersAreProblems(string query, string code)
    {
        var researcher = await fx.UserAsync("researcher");
        using var http = fx.Http(researcher.Token);
        foreach (var path in new[] { "cells", "cells.csv", "neighbourhoods.geojson" })
        {
            var response = await http.GetAsync($"/api/research/{path}?{query}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            await response.ProblemAsync(HttpStatusCode.BadRequest, code);
        }
    }
}
