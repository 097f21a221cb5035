using System.Security.Claims;
using Collab.Access;
using Collab.Gateway.Auth;
using Collab.Gateway.Realtime;
using Collab.Gateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Access;

/// <summary><c>/api/operator</c>: revoking a user's tokens (e.g. a lost device or a role change).</summary>
public static class OperatorApi
{
    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/operator").WithTags("Operations").RequireAuthorization(Roles.OperatorOnly);
        group.MapPost("/revocations", Revoke).RequireRateLimiting(RateLimits.Commands).WithName("RevokeTokens");
        return app;
    }

    /// <summary>Every token of the user issued until now stops working, and their live connections close, on every gateway.</summary>
    private static async Task<Results<Ok<RevocationResponse>, ProblemHttpResult>> Revoke(RevocationRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request.Sub) || request.Sub.Length > 128)
        {
            return Problems.Invalid("sub-invalid", "'sub' is required and at most 128 characters.");
        }

        var revocation = await grains.GetGrain<IRevocationGrain>(IRevocationGrain.Key).RevokeAsync(request.Sub);
        return TypedResults.Ok(new RevocationResponse(revocation.UserId, EnvelopeMapper.FormatTime(revocation.IssuedBefore)));
    }
}

/// <summary>Whose tokens to revoke.</summary>
public sealed record RevocationRequest(string? Sub);

/// <summary>Tokens of <c>sub</c> issued before <c>issuedBefore</c> are refused.</summary>
public sealed record RevocationResponse(string Sub, string IssuedBefore);
