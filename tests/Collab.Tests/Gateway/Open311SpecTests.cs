using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>
/// GeoReport v2, point by point, as a client written from the specification sees it over real
/// HTTP: discovery, services, service definitions with attributes, POST (form-encoded,
/// attribute[code], jurisdiction_id), GET requests with every filter and its limits, tokens,
/// and error bodies as Open311 error arrays in the requested format, whatever went wrong.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class Open311SpecTests(GatewayFixture fx)
{
    [Fact]
    public async Task DiscoveryNamesTheEndpointItsSpecificationAndBothFormats()
    {
        using var http = fx.Http();
        var json = JsonDocument.Parse(await (await http.GetAsync("/open311/v2/discovery.json")).Content.ReadAsStringAsync()).RootElement;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", json.Str("changeset"));
        Assert.False(string.IsNullOrEmpty(json.Str("contact")));
        Assert.False(string.IsNullOrEmpty(json.Str("key_service")));
        var endpoint = json.GetProperty("endpoints")[0];
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.Str("specification"));
        Assert.Equal(new Uri(fx.GatewayA, "/open311/v2").ToString(), endpoint.Str("url"));
        Assert.Equal("production", endpoint.Str("type"));
        Assert.Equal(["text/xml", "application/json"], endpoint.GetProperty("formats").EnumerateArray().Select(f => f.GetString()));

        var xml = XDocument.Parse(await (await http.GetAsync("/open311/v2/discovery.xml")).Content.ReadAsStringAsync()).Root!;
        Assert.Equal("discovery", xml.Name.LocalName);
        Assert.Equal(["text/xml", "application/json"], xml.Element("endpoints")!.Element("endpoint")!.Element("formats")!.Elements("format").Select(f => f.Value));
    }

    [Fact]
    public async Task ServicesCarryEveryFieldOfTheStandardAndDefinitionsTheirAttributes()
    {
        using var http = fx.Http();
        var services = JsonDocument.Parse(await (await http.GetAsync("/open311/v2/services.json")).Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(8, services.Count);
        foreach (var s in services)
        {
            Assert.Equal(["service_code", "service_name", "description", "metadata", "type", "keywords", "group"], s.EnumerateObject().Select(p => p.Name));
            Assert.Equal("realtime", s.Str("type"));
        }

        var violence = services.Single(s => s.Str("service_code") == "violence");
        Assert.True(violence.GetProperty("metadata").GetBoolean());
        Assert.Contains("assault", violence.Str("keywords").Split(','));
        Assert.False(services.Single(s => s.Str("service_code") == "noise").GetProperty("metadata").GetBoolean());
        var xmlServices = XDocument.Parse(await (await http.GetAsync("/open311/v2/services.xml?jurisdiction_id=demo-city")).Content.ReadAsStringAsync()).Root!;
        Assert.Equal("true", xmlServices.Elements("service").Single(s => s.Element("service_code")!.Value == "violence").Element("metadata")!.Value);

        var definition = JsonDocument.Parse(await (await http.GetAsync("/open311/v2/services/traffic.json")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("traffic", definition.Str("service_code"));
        var attributes = definition.GetProperty("attributes").EnumerateArray().ToList();
        Assert.Equal(["injured", "vehicles"], attributes.Select(a => a.Str("code")));
        Assert.Equal([1, 2], attributes.Select(a => a.GetProperty("order").GetInt32()));
        Assert.All(attributes, a => Assert.True(a.GetProperty("variable").GetBoolean()));
        Assert.Equal("Is anyone injured?", attributes[0].Str("description"));
        Assert.Equal(["yes", "no", "unknown"], attributes[0].GetProperty("values").EnumerateArray().Select(v => v.Str("key")));
        Assert.Equal("number", attributes[1].Str("datatype"));
        Assert.False(attributes[1].GetProperty("required").GetBoolean());

        var xml = XDocument.Parse(await (await http.GetAsync("/open311/v2/services/traffic.xml")).Content.ReadAsStringAsync()).Root!;
        Assert.Equal("service_definition", xml.Name.LocalName);
        var injured = xml.Element("attributes")!.Elements("attribute").First();
        Assert.Equal("singlevaluelist", injured.Element("datatype")!.Value);
        Assert.Equal(["Yes", "No", "Don’t know"], injured.Element("values")!.Elements("value").Select(v => v.Element("name")!.Value));

        await AssertErrorAsync(await http.GetAsync("/open311/v2/services/unicorns.json"), 404, "json");
        await AssertErrorAsync(await http.GetAsync("/open311/v2/services/unicorns.xml"), 404, "xml");
        await AssertErrorAsync(await http.GetAsync("/open311/v2/services.json?jurisdiction_id=atlantis"), 404, "json");
        await AssertErrorAsync(await http.GetAsync("/open311/v2/services/noise.xml?jurisdiction_id=atlantis"), 404, "xml");
    }

    [Fact]
    public async Task APostIsFormEncodedWithAttributesAndAJurisdictionAndAnswersItsIdNoticeAndAccount()
    {
        using var http = fx.Http();
        var account = $"account-{Guid.NewGuid():N}";
        var response = await http.PostAsync("/open311/v2/requests.json", Form(
            ("api_key", GatewayFixture.Open311Key), ("jurisdiction_id", "demo-city"), ("service_code", "violence"), ("lat", "52.0751"), ("long", "4.2891"),
            ("description", "Two men fighting outside the bar"), ("account_id", account), ("email", "someone@example.org"), ("phone", "0612345678"),
            ("attribute[injured]", "yes")));
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["service_request_id", "service_notice", "account_id"], created[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(account, created[0].Str("account_id"));
        var id = created[0].Str("service_request_id");

        var police = await fx.UserAsync("police");
        var seen = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("yes", seen.GetProperty("attributes").Str("injured"));
        Assert.DoesNotContain("someone@example.org", seen.GetRawText());

        // The standard makes the description optional: the service's name stands in.
        var bare = await http.PostAsync("/open311/v2/requests.xml", Form(("api_key", GatewayFixture.Open311Key), ("service_code", "fire"), ("lat", "52.0751"), ("long", "4.2891")));
        Assert.Equal(HttpStatusCode.Created, bare.StatusCode);
        var bareId = XDocument.Parse(await bare.Content.ReadAsStringAsync()).Root!.Element("request")!.Element("service_request_id")!.Value;
        Assert.Equal("Fire", JsonDocument.Parse(await (await http.GetAsync($"/open311/v2/requests/{bareId}.json")).Content.ReadAsStringAsync()).RootElement[0].Str("description"));
    }

    public static TheoryData<string, (string, string)[]> BadPosts => new()
    {
        { "an answer not among the values", [("attribute[injured]", "maybe")] },
        { "a question the service does not ask", [("attribute[weapon]", "knife")] },
        { "a question answered twice", [("attribute[injured]", "yes"), ("attribute[injured]", "no")] },
        { "another jurisdiction", [("jurisdiction_id", "atlantis")] },
        { "service_code twice", [("service_code", "fire")] },
        { "a latitude that is not a number", [("lat", "NaN")] },
    };

    [Theory]
    [MemberData(nameof(BadPosts))]
    public async Task ABadPostIsAnOpen311ErrorAndFilesNothing(string why, (string, string)[] extra)
    {
        using var http = fx.Http();
        var key = $"bad-{Guid.NewGuid():N}";
        var fields = new List<(string, string)> { ("api_key", GatewayFixture.Open311Key), ("service_code", "violence"), ("long", "4.2891"), ("description", "Fight") };
        if (!extra.Any(e => e.Item1 == "lat")) fields.Add(("lat", "52.0751"));
        fields.AddRange(extra);
        var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.xml") { Content = Form([.. fields]) };
        request.Headers.Add("Idempotency-Key", key);
        await AssertErrorAsync(await http.SendAsync(request), 400, "xml", why);

        // The same key with a good request files it: nothing was kept of the refused one.
        var good = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
        {
            Content = Form(("api_key", GatewayFixture.Open311Key), ("service_code", "violence"), ("lat", "52.0751"), ("long", "4.2891"), ("description", "Fight")),
        };
        good.Headers.Add("Idempotency-Key", key);
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(good)).StatusCode);
    }

    [Fact]
    public async Task APostThatIsNotFormEncodedIsAnOpen311Error()
    {
        using var http = fx.Http();
        var json = new StringContent("""{"api_key":"open311-test-key","service_code":"noise","lat":52.07,"long":4.28}""", Encoding.UTF8, "application/json");
        await AssertErrorAsync(await http.PostAsync("/open311/v2/requests.json", json), 400, "json");
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKeyAnswersTheSameRequestInEitherFormat()
    {
        var key = $"retry-{Guid.NewGuid():N}";
        async Task<HttpResponseMessage> PostAsync(string format)
        {
            using var http = fx.Http();
            var request = new HttpRequestMessage(HttpMethod.Post, $"/open311/v2/requests.{format}")
            {
                Content = Form(("api_key", GatewayFixture.Open311Key), ("service_code", "traffic"), ("lat", "52.0751"), ("long", "4.2891"),
                    ("description", "Car on the pavement"), ("attribute[vehicles]", "1")),
            };
            request.Headers.Add("Idempotency-Key", key);
            return await http.SendAsync(request);
        }

        var first = await PostAsync("json");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement[0].Str("service_request_id");
        var retried = await PostAsync("xml");
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(id, XDocument.Parse(await retried.Content.ReadAsStringAsync()).Root!.Element("request")!.Element("service_request_id")!.Value);
    }

    public static TheoryData<string> MalformedQueries => new()
    {
        "start_date=yesterday",
        "end_date=2026-13-45T00:00:00Z",
        "start_date=2026-11-20T00:00:00Z&end_date=2026-11-10T00:00:00Z",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "status=pending",
        "status=open&status=closed",
        "service_code=unicorns",
        "service_code=noise,unicorns",
        "service_request_id=not-an-id",
        "service_request_id=" + string.Join(",", Enumerable.Range(0, 51).Select(_ => Guid.NewGuid())),
    };

    [Theory]
    [MemberData(nameof(MalformedQueries))]
    public async Task AMalformedFilterIsRefusedWithAnOpen311ErrorInEitherFormat(string query)
    {
        using var http = fx.Http();
        await AssertErrorAsync(await http.GetAsync($"/open311/v2/requests.json?{query}"), 400, "json", query);
        await AssertErrorAsync(await http.GetAsync($"/open311/v2/requests.xml?{query}"), 400, "xml", query);
    }

    [Fact]
    public async Task EveryFilterSelectsWhatItNames()
    {
        using var http = fx.Http();
        var open = await FileAsync(http, "noise");
        var closed = await FileAsync(http, "noise");
        var other = await FileAsync(http, "public-space");
        var police = await fx.UserAsync("police");
        await (await fx.Http(police.Token).PostJsonAsync($"/api/incidents/{closed}/status", new { status = "rejected" })).JsonAsync(HttpStatusCode.OK);

        async Task<List<string>> IdsAsync(string query) =>
            JsonDocument.Parse(await (await http.GetAsync($"/open311/v2/requests.json?{query}")).Content.ReadAsStringAsync()).RootElement
                .EnumerateArray().Select(r => r.Str("service_request_id")).ToList();

        var openNoise = await IdsAsync("service_code=noise&status=open");
        Assert.Contains(open, openNoise);
        Assert.DoesNotContain(closed, openNoise);
        Assert.DoesNotContain(other, openNoise);
        var closedNoise = await IdsAsync("service_code=noise&status=closed");
        Assert.Contains(closed, closedNoise);
        Assert.DoesNotContain(open, closedNoise);
        var both = await IdsAsync("service_code=noise,public-space&status=open,closed&jurisdiction_id=demo-city");
        Assert.Contains(open, both);
        Assert.Contains(closed, both);
        Assert.Contains(other, both);

        var now = DateTimeOffset.UtcNow;
        Assert.Contains(open, await IdsAsync($"start_date={Uri.EscapeDataString(now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ"))}"));
        Assert.DoesNotContain(open, await IdsAsync($"start_date={Uri.EscapeDataString(now.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ"))}"));
        Assert.DoesNotContain(open, await IdsAsync($"end_date={Uri.EscapeDataString(now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ"))}"));

        // Named requests: in the order given, with their descriptions; the other filters are then ignored, as the standard says.
        var named = JsonDocument.Parse(await (await http.GetAsync($"/open311/v2/requests.json?service_request_id={closed},{open}&status=open")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal([closed, open], named.EnumerateArray().Select(r => r.Str("service_request_id")));
        Assert.Equal("closed", named[0].Str("status"));
        Assert.Equal("Music until 4 am", named[1].Str("description"));
        var fields = named[1].EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible", "service_notice",
            "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"], fields);
    }

    [Fact]
    public async Task ATokenNamesItsRequestAndAnUnknownOneIsAnOpen311Error()
    {
        using var http = fx.Http();
        var id = await FileAsync(http, "fire");
        var json = JsonDocument.Parse(await (await http.GetAsync($"/open311/v2/tokens/{id}.json")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(id, json[0].Str("service_request_id"));
        Assert.Equal(id, json[0].Str("token"));
        var xml = XDocument.Parse(await (await http.GetAsync($"/open311/v2/tokens/{id}.xml")).Content.ReadAsStringAsync()).Root!;
        Assert.Equal(id, xml.Element("request")!.Element("service_request_id")!.Value);
        await AssertErrorAsync(await http.GetAsync($"/open311/v2/tokens/{Guid.NewGuid()}.xml"), 404, "xml");
        await AssertErrorAsync(await http.GetAsync("/open311/v2/requests/not-an-id.json"), 404, "json");
    }

    [Theory]
    [InlineData("GET", "/open311/v2/services.csv", 400, "json")]
    [InlineData("GET", "/open311/v2/discovery.html", 400, "json")]
    [InlineData("GET", "/open311/v2/requests/00000000-0000-0000-0000-000000000001.yaml", 400, "json")]
    [InlineData("GET", "/open311/v2/services/noise.txt", 400, "json")]
    [InlineData("POST", "/open311/v2/requests.txt", 400, "json")]
    [InlineData("GET", "/open311/v2/requests", 404, "json")]
    [InlineData("GET", "/open311/v2/nothing.xml", 404, "xml")]
    [InlineData("PUT", "/open311/v2/requests.json", 404, "json")]
    [InlineData("DELETE", "/open311/v2/requests/00000000-0000-0000-0000-000000000001.xml", 404, "xml")]
    public async Task AWrongFormatOrPathIsAnOpen311Error(string method, string path, int status, string format)
    {
        using var http = fx.Http();
        await AssertErrorAsync(await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)), status, format, path);
    }

    [Fact]
    public async Task AWrongFormatAnswersXmlToAClientThatAsksForXml()
    {
        using var http = fx.Http();
        var request = new HttpRequestMessage(HttpMethod.Get, "/open311/v2/services.csv");
        request.Headers.Add("Accept", "text/xml");
        await AssertErrorAsync(await http.SendAsync(request), 400, "xml");
    }

    [Fact]
    public async Task AnOversizedBodyIsAnOpen311Error()
    {
        using var http = fx.Http();
        var response = await http.PostAsync("/open311/v2/requests.xml", Form(("api_key", GatewayFixture.Open311Key), ("description", new string('x', 100_000))));
        await AssertErrorAsync(response, 413, "xml");
    }

    [Fact]
    public async Task TooManyRequestsIsAnOpen311Error()
    {
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Security:AnonymousReadsPerWindow"] = "2" });
        try
        {
            using var http = new HttpClient { BaseAddress = url };
            HttpResponseMessage last = null!;
            for (var i = 0; i < 4; i++) last = await http.GetAsync("/open311/v2/services.xml");
            await AssertErrorAsync(last, 429, "xml");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<string> FileAsync(HttpClient http, string code)
    {
        var response = await http.PostAsync("/open311/v2/requests.json", Form(("api_key", GatewayFixture.Open311Key), ("service_code", code),
            ("lat", "52.0751"), ("long", "4.2891"), ("description", "Music until 4 am")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].Str("service_request_id");
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, int status, string format, string? why = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{why}: expected {status}, got {(int)response.StatusCode}: {text}");
        if (format == "json")
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var error = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
            Assert.Equal(status, error.GetProperty("code").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(error.Str("description")));
        }
        else
        {
            Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
            var root = XDocument.Parse(text).Root!;
            Assert.Equal("errors", root.Name.LocalName);
            var error = Assert.Single(root.Elements("error"));
            Assert.Equal(status.ToString(), error.Element("code")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(error.Element("description")!.Value));
        }
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
