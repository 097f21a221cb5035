using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>Open311 GeoReport v2: existing city-reporting clients file and read service requests.</summary>
[Collection(GatewayCollection.Name)]
public sealed class Open311Tests(GatewayFixture fx)
{
    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task DiscoveryAndServicesAreServedInBothFormats(string format)
    {
        using var http = fx.Http();
        var discovery = await http.GetAsync($"/open311/v2/discovery.{format}");
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        var services = await (await http.GetAsync($"/open311/v2/services.{format}")).Content.ReadAsStringAsync();
        var codes = format == "json"
            ? JsonDocument.Parse(services).RootElement.EnumerateArray().Select(s => s.Str("service_code")).ToList()
            : XDocument.Parse(services).Root!.Elements("service").Select(s => s.Element("service_code")!.Value).ToList();
        Assert.Contains("vandalism", codes);
        Assert.Contains("public-space", codes);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/open311/v2/services/noise.{format}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/open311/v2/services/unicorns.{format}")).StatusCode);
    }

    [Fact]
    public async Task AServiceRequestIsAnIncidentWhoseStatusMapsToOpenAndClosed()
    {
        using var http = fx.Http();
        var response = await http.PostAsync("/open311/v2/requests.json", Form(("api_key", GatewayFixture.Open311Key), ("service_code", "vandalism"),
            ("lat", "52.0751"), ("long", "4.2891"), ("description", "Graffiti on the school wall, call 0612345678"), ("first_name", "Jan")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].Str("service_request_id");

        var read = JsonDocument.Parse(await (await http.GetAsync($"/open311/v2/requests/{id}.json")).Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal("open", read.Str("status"));
        Assert.Equal("vandalism", read.Str("service_code"));
        Assert.Equal("Graffiti on the school wall, call [phone]", read.Str("description"));
        Assert.NotEqual(52.0751, read.GetProperty("lat").GetDouble());

        var listed = JsonDocument.Parse(await (await http.GetAsync("/open311/v2/requests.json?service_code=vandalism")).Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(listed.EnumerateArray(), r => r.Str("service_request_id") == id);
        var xml = XDocument.Parse(await (await http.GetAsync($"/open311/v2/requests.xml?service_request_id={id}")).Content.ReadAsStringAsync());
        Assert.Equal(id, xml.Root!.Element("request")!.Element("service_request_id")!.Value);

        // The same incident on the Collab API; police close it, Open311 says closed.
        var police = await fx.UserAsync("police");
        await (await fx.Http(police.Token).PostJsonAsync($"/api/incidents/{id}/status", new { status = "rejected", reason = "duplicate report" })).JsonAsync(HttpStatusCode.OK);
        var closed = JsonDocument.Parse(await (await http.GetAsync($"/open311/v2/requests/{id}.json")).Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal("closed", closed.Str("status"));
        Assert.Equal("rejected", closed.Str("status_notes"));
    }

    [Fact]
    public async Task BadServiceRequestsGetOpen311ErrorsAndCreateNothing()
    {
        using var http = fx.Http();
        var before = (await (await http.GetAsync("/open311/v2/requests.json?service_code=traffic")).Content.ReadAsStringAsync()).Length;
        await AssertError(await http.PostAsync("/open311/v2/requests.json", Form(("service_code", "traffic"), ("lat", "52.07"), ("long", "4.28"), ("description", "x"))), 403);
        await AssertError(await http.PostAsync("/open311/v2/requests.json", Form(("api_key", "wrong"), ("service_code", "traffic"), ("lat", "52.07"), ("long", "4.28"), ("description", "x"))), 403);
        await AssertError(await http.PostAsync("/open311/v2/requests.json", Form(("api_key", GatewayFixture.Open311Key), ("service_code", "unicorns"), ("lat", "52.07"), ("long", "4.28"), ("description", "x"))), 400);
        await AssertError(await http.PostAsync("/open311/v2/requests.json", Form(("api_key", GatewayFixture.Open311Key), ("service_code", "traffic"), ("address_string", "Main street 1"), ("description", "x"))), 400);
        await AssertError(await http.PostAsync("/open311/v2/requests.json", Form(("api_key", GatewayFixture.Open311Key), ("service_code", "traffic"), ("lat", "48.85"), ("long", "2.35"), ("description", "x"))), 400);
        var xml = await http.PostAsync("/open311/v2/requests.xml", Form(("service_code", "traffic")));
        Assert.Equal(HttpStatusCode.Forbidden, xml.StatusCode);
        Assert.Equal("errors", XDocument.Parse(await xml.Content.ReadAsStringAsync()).Root!.Name.LocalName);
        await AssertError(await http.GetAsync($"/open311/v2/requests/{Guid.NewGuid()}.json"), 404);
        Assert.Equal(before, (await (await http.GetAsync("/open311/v2/requests.json?service_code=traffic")).Content.ReadAsStringAsync()).Length);
    }

    [Fact]
    public async Task AnOpen311ReportersIdCannotBeTakenByAToken()
    {
        var device = $"device-{Guid.NewGuid():N}";
        using var http = fx.Http();
        var response = await http.PostAsync("/open311/v2/requests.json", Form(("api_key", GatewayFixture.Open311Key), ("service_code", "vandalism"),
            ("lat", "52.0751"), ("long", "4.2891"), ("description", "Broken lamp post"), ("device_id", device)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].Str("service_request_id");

        // A genuine token whose sub is the Open311 reporter's actor id (or the Open311 public reader's) names no caller.
        foreach (var sub in new[] { $"open311:test-app:{device}", "open311" })
        {
            var token = RawTokens.Sign(new() { ["sub"] = sub, ["role"] = "citizen" });
            using var impostor = fx.Http(token);
            await (await impostor.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await impostor.GetAsync($"/api/incidents/{id}")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await impostor.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "I am the reporter", visibility = "public" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(fx.GatewayA, token));
        }

        var police = await fx.UserAsync("police");
        var view = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, view.GetProperty("notes").GetArrayLength());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task ARetriedServiceRequestWithTheSameIdempotencyKeyAnswersTheSameRequest(string format)
    {
        var key = $"o311-{Guid.NewGuid():N}";
        var device = $"device-{Guid.NewGuid():N}";
        async Task<string> PostAsync(string idempotencyKey)
        {
            using var http = fx.Http();
            var request = new HttpRequestMessage(HttpMethod.Post, $"/open311/v2/requests.{format}")
            {
                Content = Form(("api_key", GatewayFixture.Open311Key), ("service_code", "noise"), ("lat", "52.0751"), ("long", "4.2891"),
                    ("description", "Loud music every night"), ("device_id", device)),
            };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {text}");
            return format == "json"
                ? JsonDocument.Parse(text).RootElement[0].Str("service_request_id")
                : XDocument.Parse(text).Root!.Element("request")!.Element("service_request_id")!.Value;
        }

        var first = await PostAsync(key);
        Assert.Equal(first, await PostAsync(key));
        Assert.NotEqual(first, await PostAsync(key + "-other"));

        var police = await fx.UserAsync("police");
        var events = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{first}/events")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(events.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task AMalformedIdempotencyKeyOnAServiceRequestIsRefused()
    {
        using var http = fx.Http();
        var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
        {
            Content = Form(("api_key", GatewayFixture.Open311Key), ("service_code", "noise"), ("lat", "52.0751"), ("long", "4.2891"), ("description", "x")),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 200));
        await AssertError(await http.SendAsync(request), 400);
    }

    [Theory]
    [InlineData("device_id", 129)]
    [InlineData("account_id", 129)]
    [InlineData("first_name", 201)]
    public async Task AnOverlongReporterIdOrNameIsRefusedAndFilesNothing(string field, int length)
    {
        using var http = fx.Http();
        var key = $"o311-{Guid.NewGuid():N}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
        {
            Content = Form(("api_key", GatewayFixture.Open311Key), ("service_code", "noise"), ("lat", "52.0751"), ("long", "4.2891"),
                ("description", "Loud music"), (field, new string('d', length))),
        };
        request.Headers.Add("Idempotency-Key", key);
        await AssertError(await http.SendAsync(request), 400);

        // The same key with a well-formed device files the first request: nothing was kept of the refused one.
        var retry = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
        {
            Content = Form(("api_key", GatewayFixture.Open311Key), ("service_code", "noise"), ("lat", "52.0751"), ("long", "4.2891"),
                ("description", "Loud music"), ("device_id", new string('d', 128))),
        };
        retry.Headers.Add("Idempotency-Key", key);
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(retry)).StatusCode);
    }

    private static async Task AssertError(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0];
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.Str("description")));
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
