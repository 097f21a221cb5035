using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Collab.Tests.City;

/// <summary>
/// Each city its own categories: a city configured with its own list serves, enforces and names
/// exactly that list (REST and Open311 over real HTTP), with questions Open311 exposes and reports
/// carry; bad category settings stop the gateway at start with a message naming the setting.
/// </summary>
public sealed class CityCategoryTests
{
    /// <summary>Two categories of a nightlife city: one named in its settings, one with questions.</summary>
    public static Dictionary<string, string?> NightlifeCity(string prefix = "Collab:City:Categories") => new()
    {
        [$"{prefix}:0:Code"] = "graffiti",
        [$"{prefix}:0:CouncilConcern"] = "true",
        [$"{prefix}:0:Names:en"] = "Graffiti",
        [$"{prefix}:0:Names:fr"] = "Tags",
        [$"{prefix}:0:Group"] = "public-space",
        [$"{prefix}:0:Keywords:0"] = "tag",
        [$"{prefix}:0:Keywords:1"] = "spray",
        [$"{prefix}:1:Code"] = "nightlife",
        [$"{prefix}:1:Sensitive"] = "true",
        [$"{prefix}:1:Names:en"] = "Nightlife nuisance",
        [$"{prefix}:1:Names:fr"] = "Nuisances nocturnes",
        [$"{prefix}:1:Group"] = "Nuit",
        [$"{prefix}:1:Attributes:0:Code"] = "crowd",
        [$"{prefix}:1:Attributes:0:Datatype"] = "singlevaluelist",
        [$"{prefix}:1:Attributes:0:Required"] = "true",
        [$"{prefix}:1:Attributes:0:Descriptions:en"] = "How many people?",
        [$"{prefix}:1:Attributes:0:Descriptions:fr"] = "Combien de personnes ?",
        [$"{prefix}:1:Attributes:0:Values:0:Key"] = "few",
        [$"{prefix}:1:Attributes:0:Values:0:Names:en"] = "A few",
        [$"{prefix}:1:Attributes:0:Values:1:Key"] = "many",
        [$"{prefix}:1:Attributes:0:Values:1:Names:en"] = "Many",
        [$"{prefix}:1:Attributes:0:Values:1:Names:fr"] = "Beaucoup",
        [$"{prefix}:1:Attributes:1:Code"] = "injured",
        [$"{prefix}:1:Attributes:1:Datatype"] = "singlevaluelist",
        [$"{prefix}:1:Attributes:1:Values:0:Key"] = "yes",
        [$"{prefix}:1:Attributes:1:Values:1:Key"] = "no",
        [$"{prefix}:1:Attributes:2:Code"] = "started",
        [$"{prefix}:1:Attributes:2:Datatype"] = "datetime",
        [$"{prefix}:1:Attributes:2:Descriptions:en"] = "When did it start?",
    };

    [Fact]
    public async Task ACityServesEnforcesAndNamesItsOwnCategories()
    {
        await using var city = await EmbeddedCity.StartAsync(NightlifeCity());
        using var anonymous = city.Http(acceptLanguage: "fr-CH");

        var services = JsonDocument.Parse(await (await anonymous.GetAsync("/open311/v2/services.json")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["graffiti", "nightlife"], services.EnumerateArray().Select(s => s.Str("service_code")));
        var graffiti = services[0];
        Assert.Equal("Tags", graffiti.Str("service_name"));
        Assert.Equal("tag,spray", graffiti.Str("keywords"));
        Assert.Equal("Espace public", graffiti.Str("group"));
        Assert.False(graffiti.GetProperty("metadata").GetBoolean());
        Assert.Equal("Nuit", services[1].Str("group"));
        Assert.True(services[1].GetProperty("metadata").GetBoolean());

        // The service definition: the city's questions, in the reader's language where the city or the resources have it.
        var definition = JsonDocument.Parse(await (await anonymous.GetAsync("/open311/v2/services/nightlife.json")).Content.ReadAsStringAsync()).RootElement;
        var attributes = definition.GetProperty("attributes").EnumerateArray().ToList();
        Assert.Equal(["crowd", "injured", "started"], attributes.Select(a => a.Str("code")));
        Assert.Equal("Combien de personnes ?", attributes[0].Str("description"));
        Assert.True(attributes[0].GetProperty("required").GetBoolean());
        Assert.Equal("singlevaluelist", attributes[0].Str("datatype"));
        Assert.Equal(["A few", "Beaucoup"], attributes[0].GetProperty("values").EnumerateArray().Select(v => v.Str("name")));
        Assert.Equal("Y a-t-il des blessés ?", attributes[1].Str("description"));
        Assert.Equal(["Oui", "Non"], attributes[1].GetProperty("values").EnumerateArray().Select(v => v.Str("name")));
        Assert.Equal("datetime", attributes[2].Str("datatype"));
        var xml = XDocument.Parse(await (await anonymous.GetAsync("/open311/v2/services/nightlife.xml")).Content.ReadAsStringAsync());
        Assert.Equal(3, xml.Root!.Element("attributes")!.Elements("attribute").Count());
        Assert.Equal(2, xml.Root.Element("attributes")!.Elements("attribute").First().Element("values")!.Elements("value").Count());

        // REST: only this city's codes; the questions are checked; the answers are kept for the authorities and the reporter.
        var citizen = await city.TokenAsync("citizen");
        using var http = city.Http(citizen, "de");
        await (await http.PostJsonAsync("/api/incidents", Sample.Report(category: "theft"))).ProblemAsync(HttpStatusCode.BadRequest, "unknown-category");
        await (await http.PostJsonAsync("/api/incidents", Report(null))).ProblemAsync(HttpStatusCode.BadRequest, "attribute-required");
        await (await http.PostJsonAsync("/api/incidents", Report(new() { ["crowd"] = "hundreds" }))).ProblemAsync(HttpStatusCode.BadRequest, "attribute-invalid");
        await (await http.PostJsonAsync("/api/incidents", Report(new() { ["crowd"] = "few", ["music"] = "loud" }))).ProblemAsync(HttpStatusCode.BadRequest, "unknown-attribute");
        await (await http.PostJsonAsync("/api/incidents", Report(new() { ["crowd"] = "few", ["started"] = "yesterday" }))).ProblemAsync(HttpStatusCode.BadRequest, "attribute-invalid");
        var created = await (await http.PostJsonAsync("/api/incidents", Report(new() { ["crowd"] = "many", ["injured"] = "no", ["started"] = "2026-11-28T23:30:00Z" }))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Nightlife nuisance", created.Str("categoryName"));
        Assert.Equal("many", created.GetProperty("attributes").Str("crowd"));

        var police = await city.TokenAsync("police");
        var seen = await (await city.Http(police).GetAsync($"/api/incidents/{created.Str("id")}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("2026-11-28T23:30:00Z", seen.GetProperty("attributes").Str("started"));
        var other = await (await city.Http(await city.TokenAsync("citizen")).GetAsync($"/api/incidents/{created.Str("id")}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("attributes").ValueKind);

        // Open311: attribute[code] carries the answers.
        var posted = await anonymous.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = GatewayFixture.Open311Key, ["service_code"] = "nightlife", ["lat"] = "52.0751", ["long"] = "4.2891",
            ["description"] = "Crowd in the street at 3 am", ["attribute[crowd]"] = "few", ["attribute[injured]"] = "yes",
        }));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var id = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement[0].Str("service_request_id");
        var filed = await (await city.Http(police).GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("few", filed.GetProperty("attributes").Str("crowd"));
        Assert.Equal("yes", filed.GetProperty("attributes").Str("injured"));
        var missing = await anonymous.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = GatewayFixture.Open311Key, ["service_code"] = "nightlife", ["lat"] = "52.0751", ["long"] = "4.2891", ["description"] = "Crowd",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("crowd", JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement[0].Str("description"));
    }

    private static object Report(Dictionary<string, string>? attributes) => new
    {
        category = "nightlife",
        description = "Shouting in the street every night",
        location = new { lat = 52.0712, lon = 4.2811 },
        attributes,
    };

    [Theory]
    [InlineData("Collab:City:Categories:0:Code", "Theft!", "Collab:City:Categories:0:Code 'Theft!'")]
    [InlineData("Collab:City:Categories:1:Code", "graffiti", "Collab:City:Categories:1:Code 'graffiti' is listed twice")]
    [InlineData("Collab:City:Categories:1:Attributes:0:Datatype", "yesno", "Collab:City:Categories:1:Attributes:0:Datatype 'yesno'")]
    [InlineData("Collab:City:Categories:1:Attributes:1:Values:1:Key", "yes", "Collab:City:Categories:1:Attributes:1:Values:1:Key 'yes' is listed twice")]
    [InlineData("Collab:City:Categories:0:Names:english", "Graffiti", "Collab:City:Categories:0:Names:english")]
    [InlineData("Collab:City:Categories:1:Attributes:2:Values:0:Key", "now", "Collab:City:Categories:1:Attributes:2:Values are only for singlevaluelist and multivaluelist")]
    public async Task BadCategorySettingsStopTheGatewayNamingTheSetting(string key, string value, string expected)
    {
        var settings = NightlifeCity();
        settings[key] = value;
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = EmbeddedCity.Build(settings);
            await app.StartAsync();
            await app.StopAsync();
        });
        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public async Task ACategoryNoOneCanNameStopsTheGateway()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = EmbeddedCity.Build(new()
            {
                ["Collab:City:Categories:0:Code"] = "potholes",
                ["Collab:City:Categories:0:Names:nl"] = "Gaten in de weg",
            });
            await app.StartAsync();
            await app.StopAsync();
        });
        Assert.Contains("category 'potholes' has no name", failure.Message);
    }

    [Fact]
    public async Task ACategoriesFileIsReadAndAMissingOneIsAClearError()
    {
        var file = Path.Combine(Path.GetTempPath(), $"collab-categories-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "Categories": [ { "Code": "potholes", "CouncilConcern": true, "Names": { "en": "Potholes", "nl": "Gaten in de weg" } } ] }""");
        try
        {
            await using (var city = await EmbeddedCity.StartAsync(new() { ["Collab:City:CategoriesFile"] = file }))
            {
                using var http = city.Http(acceptLanguage: "nl-BE");
                var services = JsonDocument.Parse(await (await http.GetAsync("/open311/v2/services.json")).Content.ReadAsStringAsync()).RootElement;
                Assert.Equal("Gaten in de weg", services.EnumerateArray().Single().Str("service_name"));
            }

            var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            {
                await using var app = EmbeddedCity.Build(new() { ["Collab:City:CategoriesFile"] = file + ".missing" });
                await app.StartAsync();
            });
            Assert.Contains("Collab:City:CategoriesFile", failure.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
