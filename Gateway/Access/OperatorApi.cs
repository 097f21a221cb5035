using Collab.Access;
using Collab.Gateway.Auth;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Access;

/// <summary><c>/api/operator</c>: revoking a user's tokens (e.g. a lost device or a role change).</summary>
public static class OperatorApi
{
    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/operator").WithTags("Operations").RequireAuthorization(Roles.OperatorOnly).RequireRateLimiting(RateLimits.Commands);
        group.MapPost("/revocations", RevokeTokens).WithName("RevokeTokens");
        return app;
    }

    /// <summary>Every token of the user issued until now stops working, and their live connections close, on every gateway.</summary>
    private static async Task<Results<Ok<RevocationResponse>, ProblemHttpResult>> RevokeTokens(RevocationRequest request, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request.Sub) || request.Sub.Length > 128)
        {
            return Problems.Invalid("sub-invalid", "'sub' is required and at most 128 characters.");
        }

        var revocation = await grains.GetGrain<IRevocationGrain>(IRevocationGrain.Key).RevokeAsync(request.Sub);
        return TypedResults.Ok(new RevocationResponse(revocation.UserId, WireFormat.Time(revocation.IssuedBefore)));
    }
}
