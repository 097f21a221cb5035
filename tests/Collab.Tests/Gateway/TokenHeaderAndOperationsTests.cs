using System.Net;
using System.Net.Http.Headers;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>
/// What a hostile client learns and gets through outside Development: why a token failed, tokens
/// with critical header extensions or a string <c>exp</c>, internal type names in binding errors,
/// the operations endpoints, and CORS.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TokenHeaderAndOperationsTests(GatewayFixture fx)
{
    [Fact]
    public async Task OutsideDevelopmentWwwAuthenticateDoesNotSayWhyATokenFailed()
    {
        var expired = RawTokens.Sign(new()
        {
            ["sub"] = "someone", ["role"] = "citizen",
            ["nbf"] = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds(),
            ["iat"] = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds(),
            ["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(),
        });
        using var http = fx.Http(expired);
        var response = await http.GetAsync("/api/me");
        await response.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.StartsWith("Bearer", challenge);
        Assert.DoesNotContain("error_description", challenge);
        Assert.DoesNotContain("expired", challenge, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InDevelopmentWwwAuthenticateSaysWhyATokenFailed()
    {
        var (app, url) = await fx.StartGatewayAsync(environment: "Development");
        try
        {
            using var http = new HttpClient { BaseAddress = url };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RawTokens.Sign(new() { ["sub"] = "x", ["role"] = "citizen", ["aud"] = "elsewhere" }));
            var response = await http.GetAsync("/api/me");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("error_description", string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public static TheoryData<string> OddHeadersAndTimes => new() { "crit-unknown", "crit-empty", "exp-string", "nbf-string", "iat-string", "exp-bool" };

    [Theory]
    [MemberData(nameof(OddHeadersAndTimes))]
    public async Task TokensWithCriticalExtensionsOrNonNumericTimesAreUnauthorized(string kind)
    {
        var sub = $"citizen-{Guid.NewGuid():N}";
        var later = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var earlier = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var token = kind switch
        {
            "crit-unknown" => RawTokens.Sign(new() { ["sub"] = sub, ["role"] = "citizen" }, new() { ["crit"] = new[] { "x-must-understand" }, ["x-must-understand"] = true }),
            "crit-empty" => RawTokens.Sign(new() { ["sub"] = sub, ["role"] = "citizen" }, new() { ["crit"] = Array.Empty<string>() }),
            "exp-string" => RawTokens.Sign(new() { ["sub"] = sub, ["role"] = "citizen", ["exp"] = later.ToString() }),
            "nbf-string" => RawTokens.Sign(new() { ["sub"] = sub, ["role"] = "citizen", ["nbf"] = earlier.ToString() }),
            "iat-string" => RawTokens.Sign(new() { ["sub"] = sub, ["role"] = "citizen", ["iat"] = earlier.ToString() }),
            _ => RawTokens.Sign(new() { ["sub"] = sub, ["role"] = "citizen", ["exp"] = true }),
        };

        using var http = fx.Http(token);
        await (await http.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await http.PostJsonAsync("/api/incidents", Sample.Report())).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(fx.GatewayA, token));
    }

    [Fact]
    public async Task AWellFormedHandMadeTokenIsAccepted()
    {
        // The control for the theory above: the same hand-made tokens with numeric times and no crit work.
        using var http = fx.Http(RawTokens.Sign(new() { ["sub"] = $"citizen-{Guid.NewGuid():N}", ["role"] = "citizen" }));
        await (await http.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
    }

    public static TheoryData<string, string, string?> WrongJson => new()
    {
        { "/api/incidents", "\"just a string\"", null },
        { "/api/incidents", "[1, 2, 3]", null },
        { "/api/incidents", """{"category": 5, "location": {"lat": 52.07, "lon": 4.28}}""", "category" },
        { "/api/incidents", """{"category": "noise", "location": {"lat": "north", "lon": 4.28}}""", "location.lat" },
        { "/api/incidents", """{"category": "noise", "location": [52.07, 4.28]}""", "location" },
    };

    [Theory]
    [MemberData(nameof(WrongJson))]
    public async Task ABodyOfTheWrongJsonTypeIsA400NamingTheFieldAndNoInternalType(string path, string body, string? field)
    {
        var citizen = await fx.UserAsync("citizen");
        using var http = fx.Http(citizen.Token);
        var problem = await (await http.PostRawAsync(path, body)).ProblemAsync(HttpStatusCode.BadRequest);
        var detail = problem.Str("detail");
        foreach (var internalName in new[] { "Collab.", "System.", "Request", "Int64", "Double", "String", "List`", "IReadOnly" })
        {
            Assert.DoesNotContain(internalName, detail, StringComparison.Ordinal);
        }

        if (field is not null)
        {
            Assert.Contains($"'{field}'", detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AQueryValueOfTheWrongTypeIsA400NamingTheParameterAndNoInternalType()
    {
        var citizen = await fx.UserAsync("citizen");
        var problem = await (await fx.Http(citizen.Token).GetAsync($"/api/incidents/{Guid.NewGuid()}/events?afterSeq=abc")).ProblemAsync(HttpStatusCode.BadRequest);
        var detail = problem.Str("detail");
        Assert.Contains("'afterSeq'", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("long", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Int64", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopmentMetricsAndOpenApiAreForOperatorsByDefault()
    {
        var (app, url) = await fx.StartGatewayAsync(new()
        {
            ["Collab:Operations:PublicMetrics"] = null,
            ["Collab:Operations:PublicOpenApi"] = null,
        }, environment: "Production");
        try
        {
            var citizen = await fx.UserAsync("citizen");
            var police = await fx.UserAsync("police");
            var op = await fx.UserAsync("operator");
            foreach (var path in new[] { "/metrics", "/openapi/v1.json" })
            {
                using var anonymous = new HttpClient { BaseAddress = url };
                await (await anonymous.GetAsync(path)).ProblemAsync(HttpStatusCode.Unauthorized);
                foreach (var (token, expected) in new[] { (citizen.Token, HttpStatusCode.Forbidden), (police.Token, HttpStatusCode.Forbidden), (op.Token, HttpStatusCode.OK) })
                {
                    using var http = new HttpClient { BaseAddress = url };
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    Assert.Equal(expected, (await http.GetAsync(path)).StatusCode);
                }
            }

            // Health stays anonymous: probes carry no token.
            using var probe = new HttpClient { BaseAddress = url };
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("Development", null, null, true)]
    [InlineData("Production", "true", "false", false)]
    [InlineData("Development", "false", "true", false)]
    public async Task TheOperationsEndpointsAreOpenAsConfigured(string environment, string? publicMetrics, string? publicOpenApi, bool developmentDefault)
    {
        var (app, url) = await fx.StartGatewayAsync(new()
        {
            ["Collab:Operations:PublicMetrics"] = publicMetrics,
            ["Collab:Operations:PublicOpenApi"] = publicOpenApi,
        }, environment: environment);
        try
        {
            using var anonymous = new HttpClient { BaseAddress = url };
            var metricsOpen = publicMetrics is null ? developmentDefault : bool.Parse(publicMetrics);
            var openApiOpen = publicOpenApi is null ? developmentDefault : bool.Parse(publicOpenApi);
            Assert.Equal(metricsOpen ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
            Assert.Equal(openApiOpen ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task InProductionNoOriginIsReflectedAndForeignOriginsOpenNoHubConnection()
    {
        var (app, url) = await fx.StartGatewayAsync(environment: "Production");
        try
        {
            var citizen = await fx.UserAsync("citizen");
            using var http = new HttpClient { BaseAddress = url };
            const string origin = "https://attacker.example";

            var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/incidents");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            var answered = await http.SendAsync(preflight);
            Assert.False(answered.Headers.Contains("Access-Control-Allow-Origin"));
            Assert.False(answered.Headers.Contains("Access-Control-Allow-Credentials"));

            var read = new HttpRequestMessage(HttpMethod.Get, "/api/me");
            read.Headers.Add("Origin", origin);
            read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", citizen.Token);
            var me = await http.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.False(me.Headers.Contains("Access-Control-Allow-Origin"));
            Assert.False(me.Headers.Contains("Access-Control-Allow-Credentials"));

            var negotiate = new HttpRequestMessage(HttpMethod.Post, $"/hubs/collab/negotiate?negotiateVersion=1&access_token={citizen.Token}");
            negotiate.Headers.Add("Origin", origin);
            await (await http.SendAsync(negotiate)).ProblemAsync(HttpStatusCode.Forbidden, "origin-not-allowed");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
