using System.Text.Json;
using Collab.Citizens;
using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Citizens;

/// <summary><c>/api/me</c>: a citizen's own profile, language, follows, and erasure. The key is always the token's <c>sub</c>.</summary>
public static class MeApi
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me").WithTags("Me").RequireAuthorization(Roles.CitizenOnly);
        group.MapGet("/", GetMe).WithName("GetMe");
        var commands = group.MapCommandGroup();
        commands.MapPut("/", UpdateMe).WithName("UpdateMe");
        commands.MapPut("/follows", SetFollows).WithName("SetFollows");
        commands.MapDelete("/", EraseMe).WithName("EraseMe");
        return app;
    }

    private static async Task<Ok<ProfileResponse>> GetMe(Caller caller, IGrainFactory grains) =>
        TypedResults.Ok((await Citizen(caller, grains).GetProfileAsync()).ToResponse());

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> UpdateMe(ProfileRequest request, Caller caller, IGrainFactory grains)
    {
        var outcome = await Citizen(caller, grains).UpdateProfileAsync(new UpdateProfile(request.DisplayName, request.Language));
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ToResponse());
    }

    /// <summary>Accepts <c>["slug", …]</c> or <c>{ "neighbourhoods": ["slug", …] }</c>.</summary>
    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> SetFollows(JsonElement body, Caller caller, IGrainFactory grains)
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

        var outcome = await Citizen(caller, grains).SetFollowsAsync(list.EnumerateArray().Select(e => e.GetString()!).ToList());
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ToResponse());
    }

    private static async Task<NoContent> EraseMe(Caller caller, IGrainFactory grains)
    {
        await Citizen(caller, grains).EraseAsync();
        return TypedResults.NoContent();
    }

    private static ICitizenGrain Citizen(Caller caller, IGrainFactory grains) =>
        grains.GetGrain<ICitizenGrain>(caller.UserId);

    private static ProfileResponse ToResponse(this CitizenProfile p) => new(p.DisplayName, p.Language, p.Follows, p.Reports, p.Seq);
}
