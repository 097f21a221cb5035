using System.Security.Claims;
using System.Text.Json;
using Collab.Citizens;
using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Citizens;

/// <summary><c>/api/me</c>: a citizen's own profile, language, follows, and erasure. The key is always the token's <c>sub</c>.</summary>
public static class MeApi
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me").WithTags("Me").RequireAuthorization(Roles.CitizenOnly);
        group.MapGet("/", GetMe).WithName("GetMe");
        group.MapPut("/", UpdateMe).RequireRateLimiting(RateLimits.Commands).WithName("UpdateMe");
        group.MapPut("/follows", SetFollows).RequireRateLimiting(RateLimits.Commands).WithName("SetFollows");
        group.MapDelete("/", EraseMe).RequireRateLimiting(RateLimits.Commands).WithName("EraseMe");
        return app;
    }

    private static async Task<Ok<ProfileResponse>> GetMe(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok((await Citizen(user, grains).GetProfileAsync()).ToResponse());

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> UpdateMe(ProfileRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var outcome = await Citizen(user, grains).UpdateProfileAsync(new UpdateProfile(request.DisplayName, request.Language));
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ToResponse());
    }

    /// <summary>Accepts <c>["slug", …]</c> or <c>{ "neighbourhoods": ["slug", …] }</c>.</summary>
    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> SetFollows(JsonElement body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var list = body.ValueKind switch
        {
            JsonValueKind.Array => body,
            JsonValueKind.Object when body.TryGetProperty("neighbourhoods", out var inner) && inner.ValueKind == JsonValueKind.Array => inner,
            _ => default,
        };
        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return Problems.Invalid("follows-invalid", "Send a list of neighbourhood slugs, or { \"neighbourhoods\": [ … ] }.");
        }

        var outcome = await Citizen(user, grains).SetFollowsAsync(list.EnumerateArray().Select(e => e.GetString()!).ToList());
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ToResponse());
    }

    private static async Task<NoContent> EraseMe(ClaimsPrincipal user, IGrainFactory grains)
    {
        await Citizen(user, grains).EraseAsync();
        return TypedResults.NoContent();
    }

    private static ICitizenGrain Citizen(ClaimsPrincipal user, IGrainFactory grains) =>
        grains.GetGrain<ICitizenGrain>(user.ToActor()!.UserId);

    private static ProfileResponse ToResponse(this CitizenProfile p) => new(p.DisplayName, p.Language, p.Follows, p.Reports, p.Seq);
}

/// <summary><c>PUT /api/me</c>: null leaves a field unchanged.</summary>
public sealed record ProfileRequest(string? DisplayName, string? Language);

/// <summary>A citizen's own profile.</summary>
public sealed record ProfileResponse(string? DisplayName, string Language, IReadOnlyList<string> Follows, IReadOnlyList<string> Reports, long Seq);
