using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Tests.Gateway;

/// <summary>Tokens, revocation, limits, origins and logs, through a real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SecurityTests(GatewayFixture fx)
{
    public static TheoryData<string> BadTokens => new() { "alg-none", "wrong-signature", "expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "no-role", "unknown-role" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadTokensAreUnauthorizedAndDoNothing(string kind)
    {
        var sub = $"citizen-{Guid.NewGuid():N}";
        var now = DateTime.UtcNow;
        var token = kind switch
        {
            "alg-none" => Unsigned(sub),
            "wrong-signature" => Sign(sub, "citizen", key: "another-key-that-is-long-enough-0123456789"),
            "expired" => Sign(sub, "citizen", notBefore: now.AddHours(-3), expires: now.AddHours(-1)),
            "not-yet-valid" => Sign(sub, "citizen", notBefore: now.AddHours(1), expires: now.AddHours(2)),
            "wrong-issuer" => Sign(sub, "citizen", issuer: "someone-else"),
            "wrong-audience" => Sign(sub, "citizen", audience: "another-api"),
            "no-role" => Sign(sub, null),
            _ => Sign(sub, "superuser"),
        };

        using var http = fx.Http(token);
        var expected = kind is "no-role" or "unknown-role" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized;
        await (await http.PostJsonAsync("/api/incidents", Sample.Report())).ProblemAsync(expected);
        if (expected == HttpStatusCode.Unauthorized)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(fx.GatewayA, token));
        }

        // A valid token for the same subject shows nothing was stored.
        using var good = fx.Http(Sign(sub, "citizen"));
        var me = await (await good.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, me.GetProperty("reports").GetArrayLength());
    }

    [Fact]
    public async Task RevokingAUserClosesTheirLiveConnectionsAndRefusesTheirOldTokensOnEveryGateway()
    {
        var citizen = await fx.UserAsync("citizen");
        var op = await fx.UserAsync("operator");
        await using var onA = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token);
        await using var onB = await LiveClient.ConnectAsync(fx.GatewayB, citizen.Token);
        await onA.SubscribeAsync("me");
        var closedA = Closed(onA.Connection);
        var closedB = Closed(onB.Connection);

        await (await fx.Http(citizen.Token).PostJsonAsync("/api/operator/revocations", new { sub = citizen.Sub })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await fx.Http(op.Token, gatewayB: true).PostJsonAsync("/api/operator/revocations", new { sub = citizen.Sub })).JsonAsync(HttpStatusCode.OK);

        await closedA.WaitAsync(TimeSpan.FromSeconds(10));
        await closedB.WaitAsync(TimeSpan.FromSeconds(10));
        await (await fx.Http(citizen.Token).GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await fx.Http(citizen.Token, gatewayB: true).GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
        await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(fx.GatewayA, citizen.Token));

        // A token issued after the revocation (e.g. with the user's new role) works.
        await Task.Delay(1100);
        var fresh = await fx.TokenAsync(citizen.Sub, "council");
        await (await fx.Http(fresh).GetAsync("/api/neighbourhoods/centrum")).JsonAsync(HttpStatusCode.OK);
        await using var again = await LiveClient.ConnectAsync(fx.GatewayA, fresh);
        Assert.Equal("council", (await again.SubscribeAsync("neighbourhood:centrum")).Audience);
    }

    /// <summary>
    /// The gateway's bearer handler is the remembering one, and remembering changes no answer: the
    /// same token works again, the token with one character of its signature changed is refused
    /// after the genuine one was remembered, and a token expired by the clock is refused.
    /// </summary>
    [Fact]
    public async Task TheGatewayRemembersValidatedTokensWithoutChangingAnyAnswer()
    {
        var bearer = fx.ServicesA.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions>>()
            .Get(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme);
        Assert.IsType<Collab.Gateway.Auth.RememberingTokenHandler>(Assert.Single(bearer.TokenHandlers));

        var citizen = await fx.UserAsync("citizen");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await (await fx.Http(citizen.Token).GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        }

        var last = citizen.Token[^1];
        var forged = citizen.Token[..^1] + (last == 'A' ? 'B' : 'A');
        await (await fx.Http(forged).GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);

        var now = DateTime.UtcNow;
        var expired = Sign(citizen.Sub, "citizen", notBefore: now.AddHours(-2), expires: now.AddHours(-1));
        await (await fx.Http(expired).GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AHubConnectionClosesWhenItsTokenExpires()
    {
        var sub = $"citizen-{Guid.NewGuid():N}";
        var now = DateTime.UtcNow;
        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, Sign(sub, "citizen", notBefore: now.AddMinutes(-1), expires: now.AddSeconds(3)));
        var closed = Closed(client.Connection);
        await client.SubscribeAsync("me");
        await closed.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task AFloodingUserIsLimitedWhileOthersAreNot()
    {
        var (app, url) = await fx.StartGatewayAsync(new()
        {
            ["Collab:Security:CommandsPerWindow"] = "3",
            ["Collab:Security:HubInvocationsPerWindow"] = "3",
        });
        try
        {
            var flooder = await fx.UserAsync("citizen");
            var neighbour = await fx.UserAsync("citizen");
            using var flood = new HttpClient { BaseAddress = url };
            flood.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", flooder.Token);
            for (var i = 0; i < 3; i++)
            {
                await (await flood.PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created);
            }

            var limited = await flood.PostJsonAsync("/api/incidents", Sample.Report());
            await limited.ProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
            Assert.True(limited.Headers.RetryAfter is not null);
            var me = await (await flood.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(3, me.GetProperty("reports").GetArrayLength());

            using var other = new HttpClient { BaseAddress = url };
            other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", neighbour.Token);
            await (await other.PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created);

            await using var hub = await LiveClient.ConnectAsync(url, flooder.Token);
            for (var i = 0; i < 3; i++)
            {
                await hub.SubscribeAsync("neighbourhood:centrum");
            }

            var error = await Assert.ThrowsAsync<HubException>(() => hub.SubscribeAsync("neighbourhood:centrum"));
            Assert.Contains("Too many", error.Message);
            await using var otherHub = await LiveClient.ConnectAsync(url, neighbour.Token);
            Assert.Equal("public", (await otherHub.SubscribeAsync("neighbourhood:centrum")).Audience);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task OnlyAllowedOriginsOpenHubConnectionsOrGetCors()
    {
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Security:AllowedOrigins:0"] = "https://city.example" });
        try
        {
            var citizen = await fx.UserAsync("citizen");
            using var http = new HttpClient { BaseAddress = url };

            var evil = new HttpRequestMessage(HttpMethod.Post, $"/hubs/collab/negotiate?negotiateVersion=1&access_token={citizen.Token}");
            evil.Headers.Add("Origin", "https://evil.example");
            await (await http.SendAsync(evil)).ProblemAsync(HttpStatusCode.Forbidden, "origin-not-allowed");

            var good = new HttpRequestMessage(HttpMethod.Post, $"/hubs/collab/negotiate?negotiateVersion=1&access_token={citizen.Token}");
            good.Headers.Add("Origin", "https://city.example");
            var ok = await http.SendAsync(good);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("https://city.example", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());

            var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/incidents");
            preflight.Headers.Add("Origin", "https://evil.example");
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            Assert.False((await http.SendAsync(preflight)).Headers.Contains("Access-Control-Allow-Origin"));

            // Non-browser clients send no Origin and are unaffected.
            await using var client = await LiveClient.ConnectAsync(url, citizen.Token);
            await client.SubscribeAsync("me");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheQueryStringTokenNeverReachesTheLogs()
    {
        var logs = new CapturingLoggerProvider();
        var (app, url) = await fx.StartGatewayAsync(configure: b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(logs);
        });
        try
        {
            var citizen = await fx.UserAsync("citizen");
            await using (var client = await LiveClient.ConnectAsync(url, citizen.Token))
            {
                await client.SubscribeAsync("me");
            }

            using var http = new HttpClient { BaseAddress = url };
            await http.GetAsync($"/hubs/collab?access_token={citizen.Token}");
            await http.GetAsync($"/api/me?access_token={citizen.Token}");
            Assert.NotEmpty(logs.Lines);
            var signature = citizen.Token[(citizen.Token.LastIndexOf('.') + 1)..];
            Assert.DoesNotContain(logs.Lines, line => line.Contains(signature, StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Lines, line => line.Contains(citizen.Sub, StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static Task Closed(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    private static string Sign(string sub, string? role, string key = GatewayFixture.SigningKey, string issuer = "collab", string audience = "collab",
        DateTime? notBefore = null, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = sub };
        if (role is not null) claims["role"] = role;
        var from = notBefore ?? DateTime.UtcNow.AddMinutes(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Issuer = issuer,
            Audience = audience,
            NotBefore = from,
            IssuedAt = from,
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static string Unsigned(string sub)
    {
        static string B64(string json) => Base64UrlEncoder.Encode(json);
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"{{sub}}","role":"police","iss":"collab","aud":"collab","exp":{{exp}}}""")}.";
    }
}
