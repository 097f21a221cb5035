using System.Net;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.Tests.Gateway;

/// <summary>
/// Tokens that are genuine (signed with the right key, valid issuer, audience and lifetime) but name
/// no usable caller: exactly one known role and a well-formed subject, else 403 on REST and a refused
/// hub connection — never a 500, never a caller judged by whichever role came first.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TokenClaimTests(GatewayFixture fx)
{
    public static TheoryData<string> OddClaims => new()
    {
        "empty-sub", "blank-sub", "nul-in-sub", "newline-in-sub", "bidi-in-sub", "sub-array", "no-sub", "too-long-sub",
        "role-array-police-citizen", "role-array-citizen-police", "role-number", "role-object", "no-role", "empty-role", "open311-sub", "open311-reader-sub", "partner-sub",
    };

    [Theory]
    [MemberData(nameof(OddClaims))]
    public async Task AGenuineTokenWithoutExactlyOneRoleAndAWellFormedSubjectIsForbiddenAndDoesNothing(string kind)
    {
        var sub = $"citizen-{Guid.NewGuid():N}";
        var token = RawTokens.Sign(Claims(kind, sub));

        using var http = fx.Http(token);
        if (kind == "sub-array")
        {
            // The token library itself cannot read a non-string sub: the token is refused before any caller is read.
            await (await http.PostJsonAsync("/api/incidents", Sample.Report(), idempotencyKey: "odd-" + kind)).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            await (await http.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            return;
        }

        await (await http.PostJsonAsync("/api/incidents", Sample.Report(), idempotencyKey: "odd-" + kind)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await http.GetAsync("/api/me")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await http.GetAsync($"/api/incidents/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await http.PostJsonAsync($"/api/incidents/{Guid.NewGuid()}/assign", new { unit = "A-1" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await http.PostJsonAsync("/api/operator/revocations", new { sub })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        // Where anonymous callers are welcome, such a token reads as anonymous: the public view.
        var hood = await (await http.GetAsync("/api/neighbourhoods/centrum")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("public", hood.Str("audience"));

        await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(fx.GatewayA, token));

        // A well-formed token for the same subject shows nothing was stored.
        using var good = fx.Http(RawTokens.Sign(new() { ["sub"] = sub, ["role"] = "citizen" }));
        var me = await (await good.GetAsync("/api/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, me.GetProperty("reports").GetArrayLength());
    }

    [Fact]
    public async Task ATokenWithTwoRolesIsNotJudgedByEitherOfThem()
    {
        var citizen = await fx.UserAsync("citizen");
        var id = (await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        foreach (var roles in new[] { new[] { "police", "citizen" }, ["citizen", "police"], ["police", "operator"] })
        {
            using var http = fx.Http(RawTokens.Sign(new() { ["sub"] = $"two-{Guid.NewGuid():N}", ["role"] = roles }));
            await (await http.GetAsync($"/api/incidents/{id}/reporter?reason=test")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await http.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = "A-1" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "two roles", visibility = "public" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        var police = await fx.UserAsync("police");
        var view = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Null(view.GetProperty("assignedUnit").GetString());
        Assert.Equal(0, view.GetProperty("notes").GetArrayLength());
    }

    [Fact]
    public async Task AHubCommandIsNeverRunForATokenWithTwoRoles()
    {
        // Whatever a connection manages to open with, a command re-reads the caller: two roles are none.
        var token = RawTokens.Sign(new() { ["sub"] = $"two-{Guid.NewGuid():N}", ["role"] = new[] { "police", "citizen" } });
        var refused = await Record.ExceptionAsync(async () =>
        {
            await using var client = await LiveClient.ConnectAsync(fx.GatewayA, token);
            await client.Connection.InvokeAsync<object>("Report", new { category = "vandalism", description = "x", location = new { lat = 52.0712, lon = 4.2811 } }, null);
        });
        Assert.NotNull(refused);
    }

    private static Dictionary<string, object?> Claims(string kind, string sub) => kind switch
    {
        "empty-sub" => new() { ["sub"] = "", ["role"] = "citizen" },
        "blank-sub" => new() { ["sub"] = "   ", ["role"] = "citizen" },
        "nul-in-sub" => new() { ["sub"] = sub + "\0x", ["role"] = "citizen" },
        "newline-in-sub" => new() { ["sub"] = sub + "\nother", ["role"] = "citizen" },
        "bidi-in-sub" => new() { ["sub"] = sub + "\u202E", ["role"] = "citizen" },
        "sub-array" => new() { ["sub"] = new[] { sub, "other" }, ["role"] = "citizen" },
        "no-sub" => new() { ["role"] = "citizen" },
        "too-long-sub" => new() { ["sub"] = new string('s', 256), ["role"] = "citizen" },
        "role-array-police-citizen" => new() { ["sub"] = sub, ["role"] = new[] { "police", "citizen" } },
        "role-array-citizen-police" => new() { ["sub"] = sub, ["role"] = new[] { "citizen", "police" } },
        "role-number" => new() { ["sub"] = sub, ["role"] = 1 },
        "role-object" => new() { ["sub"] = sub, ["role"] = new { name = "police" } },
        "no-role" => new() { ["sub"] = sub },
        "empty-role" => new() { ["sub"] = sub, ["role"] = "" },
        "open311-sub" => new() { ["sub"] = "open311:test-app:" + sub, ["role"] = "citizen" },
        "open311-reader-sub" => new() { ["sub"] = "open311", ["role"] = "police" },
        "partner-sub" => new() { ["sub"] = "partner:city-b", ["role"] = "citizen" },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
