using System.Security.Claims;
using System.Text;
using Collab.Alerts;
using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Realtime;
using Collab.Gateway.Security;
using Collab.Neighbourhoods;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collab.Gateway.Alerts;

/// <summary>Neighbourhood alerts: issued by police and council, read by anyone as JSON or CAP 1.2.</summary>
public static class AlertApi
{
    public static IEndpointRouteBuilder MapAlertApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/neighbourhoods/{slug}/alerts", Issue).WithTags("Alerts")
            .RequireAuthorization(Roles.Authorities).RequireRateLimiting(RateLimits.Commands).WithName("IssueAlert");
        var group = app.MapGroup("/api/alerts").WithTags("Alerts").AllowAnonymous();
        group.MapGet("/{id}", GetAlert).WithName("GetAlert");
        group.MapGet("/{id}/cap", GetCap).WithName("GetAlertCap").Produces<string>(StatusCodes.Status200OK, CapDocument.ContentType);
        return app;
    }

    private static async Task<Results<Created<AlertResponse>, ProblemHttpResult>> Issue(
        string slug, AlertRequest request, ClaimsPrincipal user, IGrainFactory grains, CityMap map,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (map.Find(slug) is null) return Problems.NotFound("neighbourhood-not-found", "No such neighbourhood.");
        if (!IdempotencyKeys.IsValid(idempotencyKey))
        {
            return Problems.Invalid("idempotency-key-invalid", $"'{IdempotencyKeys.Header}' must be 1 to {IdempotencyKeys.MaxLength} visible ASCII characters.");
        }

        var actor = user.ToActor()!;
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

    private static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAlert(string id, IGrainFactory grains)
    {
        if (!Guid.TryParseExact(id, "D", out var guid)) return Unknown();
        var outcome = await grains.GetGrain<IAlertGrain>(guid.ToString("D")).GetAsync();
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(ToResponse(outcome.Value!));
    }

    private static async Task<IResult> GetCap(string id, IGrainFactory grains, CityMap map)
    {
        if (!Guid.TryParseExact(id, "D", out var guid)) return Unknown();
        var outcome = await grains.GetGrain<IAlertGrain>(guid.ToString("D")).GetAsync();
        if (outcome.Error is { } error) return Problems.From(error);
        var alert = outcome.Value!;
        var xml = CapDocument.Render(alert, map.Find(alert.Neighbourhood)!, map.Name);
        return TypedResults.Text(xml.Declaration + Environment.NewLine + xml.ToString(), CapDocument.ContentType, Encoding.UTF8);
    }

    public static AlertResponse ToResponse(AlertView a) => new(
        a.Id, a.Neighbourhood, a.Language, a.Texts[a.Language].Headline, a.Texts[a.Language].Description,
        a.Severity, a.Urgency, a.Certainty, EnvelopeMapper.FormatTime(a.Sent), a.Expires is { } e ? EnvelopeMapper.FormatTime(e) : null,
        a.Texts.ToDictionary(t => t.Key, t => new AlertTextDto(t.Value.Headline, t.Value.Description)), EnvelopeMapper.RoleName(a.SenderRole));

    private static ProblemHttpResult Unknown() => Problems.NotFound("alert-not-found", "No such alert.");
}

/// <summary><c>POST /api/neighbourhoods/{slug}/alerts</c>.</summary>
public sealed record AlertRequest(
    string? Headline, string? Description, string? Severity, string? Urgency, string? Certainty,
    DateTimeOffset? Expires, Dictionary<string, AlertTextDto?>? Translations, string? Language);

/// <summary>Headline and description in one language.</summary>
public sealed record AlertTextDto(string? Headline, string? Description);

/// <summary>An alert, with every language it was issued in.</summary>
public sealed record AlertResponse(
    string Id, string Neighbourhood, string Language, string Headline, string Description,
    string Severity, string Urgency, string Certainty, string Sent, string? Expires,
    Dictionary<string, AlertTextDto> Translations, string SenderRole);
