using System.Text;
using Collab.Alerts;
using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Localization;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Collab.Neighbourhoods;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collab.Gateway.Alerts;

/// <summary>Neighbourhood alerts: issued by police and council, read by anyone as JSON or CAP 1.2.</summary>
public static class AlertApi
{
    public static IEndpointRouteBuilder MapAlertApi(this IEndpointRouteBuilder app)
    {
        var issue = app.MapGroup("/api/neighbourhoods").WithTags("Alerts").RequireAuthorization(Roles.Authorities).RequireRateLimiting(RateLimits.Commands);
        issue.MapPost("/{slug}/alerts", IssueAlert).WithName("IssueAlert");
        var read = app.MapGroup("/api/alerts").WithTags("Alerts").AllowAnonymous().RequireRateLimiting(RateLimits.AnonymousReads);
        read.MapGet("/{id}", GetAlert).WithName("GetAlert");
        read.MapGet("/{id}/cap", GetAlertCap).WithName("GetAlertCap").Produces<string>(StatusCodes.Status200OK, CapDocument.ContentType);
        return app;
    }

    private static async Task<Results<Created<AlertResponse>, ProblemHttpResult>> IssueAlert(
        string slug, AlertRequest request, Caller caller, IGrainFactory grains, CityMap map,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (map.Find(slug) is null) return Problems.NotFound("neighbourhood-not-found", "No such neighbourhood.");
        if (IdempotencyKeys.Check(idempotencyKey) is { } badKey) return Problems.From(badKey);

        var actor = caller.Actor;
        var language = request.Language ?? actor.Language;
        var translations = (request.Translations ?? []).ToDictionary(
            t => t.Key,
            t => new AlertText(t.Value?.Headline ?? "", t.Value?.Description ?? ""));
        var id = IdempotencyKeys.DerivedId("alert", actor, idempotencyKey);
        var outcome = await grains.GetGrain<IAlertGrain>(id).IssueAsync(new IssueAlert(
            IdempotencyKeys.OrNew(idempotencyKey), actor, slug, language,
            new AlertText(request.Headline ?? "", request.Description ?? ""),
            request.Severity ?? "", request.Urgency ?? "", request.Certainty ?? "", request.Expires, translations));
        if (outcome.Error is { } error) return Problems.From(error);
        return TypedResults.Created($"/api/alerts/{id}", ToResponse(outcome.Value!));
    }

    private static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAlert(string id, Caller? caller, IGrainFactory grains)
    {
        var outcome = await FindAsync(id, caller, grains);
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(ToResponse(outcome.Value!));
    }

    private static async Task<IResult> GetAlertCap(string id, Caller? caller, IGrainFactory grains, CityMap map, Translations texts)
    {
        var outcome = await FindAsync(id, caller, grains);
        if (outcome.Error is { } error) return Problems.From(error);
        var alert = outcome.Value!;
        var xml = CapDocument.Render(alert, map.Find(alert.Neighbourhood)!, map.AreaOf(alert.Neighbourhood)!, map.Name, texts);
        return TypedResults.Text(xml.Declaration + Environment.NewLine + xml.ToString(), CapDocument.ContentType, Encoding.UTF8);
    }

    /// <summary>The alert; a training exercise's alert exists for its trainees (police, council) only.</summary>
    private static async Task<Outcome<AlertView>> FindAsync(string id, Caller? caller, IGrainFactory grains)
    {
        if (!WireFormat.TryParseId(id, out var key)) return UnknownAlert;
        var outcome = await grains.GetGrain<IAlertGrain>(key).GetAsync();
        return outcome.Value is { Exercise: not null } && caller?.Role is not (ActorRole.Police or ActorRole.Council) ? UnknownAlert : outcome;
    }

    private static AlertResponse ToResponse(AlertView a) => new(
        a.Id, a.Neighbourhood, a.Language, a.Texts[a.Language].Headline, a.Texts[a.Language].Description,
        a.Severity, a.Urgency, a.Certainty, WireFormat.Time(a.Sent), a.Expires is { } e ? WireFormat.Time(e) : null,
        a.Texts.ToDictionary(t => t.Key, t => new AlertTextDto(t.Value.Headline, t.Value.Description)), WireFormat.Name(a.SenderRole), a.Exercise);

    private static CommandError UnknownAlert { get; } = CommandError.NotFound("alert-not-found", "No such alert.");
}
