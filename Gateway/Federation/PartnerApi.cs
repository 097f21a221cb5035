using Collab.Federation;
using Collab.Gateway.Auth;
using Collab.Gateway.Localization;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Federation;

/// <summary>Partner cities, for this city's users: the configured partners with their link's health, and what each shares.</summary>
public static class PartnerApi
{
    public static IEndpointRouteBuilder MapPartnerApi(this IEndpointRouteBuilder app)
    {
        var partners = app.MapGroup("/api/partners").WithTags("Partners").RequireAuthorization();
        partners.MapGet("/", ListPartners).RequireAuthorization(Roles.AuthoritiesOrOperator).WithName("ListPartners");
        partners.MapGet("/{cityId}/incidents", GetPartnerIncidents).RequireAuthorization(Roles.Reporters).WithName("GetPartnerIncidents");
        return app;
    }

    private static async Task<Ok<List<PartnerDto>>> ListPartners(IOptions<FederationOptions> options, IGrainFactory grains)
    {
        var partners = new List<PartnerDto>();
        foreach (var (id, partner) in options.Value.Partners.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var health = await grains.GetGrain<IPartnerLinkGrain>(id).GetHealthAsync();
            partners.Add(new PartnerDto(
                id,
                partner.Url!,
                new PartnerShareDto(partner.Share.Neighbourhoods, partner.Share.Categories, partner.Share.Audience),
                new PartnerLinkDto(health.Head, health.DeliveredThrough, health.Lag,
                    health.LastSuccessAt is { } ok ? WireFormat.Time(ok) : null,
                    health.LastError,
                    health.LastErrorAt is { } failed ? WireFormat.Time(failed) : null)));
        }

        return TypedResults.Ok(partners);
    }

    /// <summary>The partner's shared incidents as the caller's audience sees them: citizens only those the partner shares publicly.</summary>
    private static async Task<Results<Ok<List<SharedIncidentDto>>, ProblemHttpResult>> GetPartnerIncidents(
        string cityId, Caller caller, IOptions<FederationOptions> options, IGrainFactory grains, Translations texts)
    {
        if (!options.Value.Partners.ContainsKey(cityId))
        {
            return Problems.NotFound("partner-not-found", "No such partner city.");
        }

        var incidents = await grains.GetGrain<IPartnerMirrorGrain>(cityId).GetIncidentsAsync(caller.Audience);
        return TypedResults.Ok(incidents.Select(i => SharedIncidentDto.From(i, texts.CategoryName(i.Category, Translations.RequestLanguage))).ToList());
    }
}
