using System.Security.Claims;
using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Security;
using Collab.Gateway.Realtime;
using Collab.Incidents;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collab.Gateway.Incidents;

/// <summary>Incidents: report, read, timeline, notes, status, assignment and moderation.</summary>
public static class IncidentApi
{
    public static IEndpointRouteBuilder MapIncidentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents").RequireAuthorization();
        group.MapPost("/", Report).RequireAuthorization(Roles.Reporters).RequireRateLimiting(RateLimits.Commands).WithName("ReportIncident");
        group.MapGet("/{id}", GetIncident).WithName("GetIncident");
        group.MapGet("/{id}/events", GetEvents).WithName("GetIncidentEvents");
        group.MapPost("/{id}/notes", AddNote).RequireAuthorization(Roles.Reporters).RequireRateLimiting(RateLimits.Commands).WithName("AddNote");
        group.MapPost("/{id}/status", ChangeStatus).RequireAuthorization(Roles.Authorities).RequireRateLimiting(RateLimits.Commands).WithName("ChangeStatus");
        group.MapPost("/{id}/assign", Assign).RequireAuthorization(Roles.PoliceOnly).RequireRateLimiting(RateLimits.Commands).WithName("AssignUnit");
        group.MapPost("/{id}/moderation", Moderate).RequireAuthorization(Roles.Authorities).RequireRateLimiting(RateLimits.Commands).WithName("ModerateNote");
        group.MapPost("/{id}/flags", Flag).RequireAuthorization(Roles.CitizenOnly).RequireRateLimiting(RateLimits.Commands).WithName("FlagNote");
        group.MapGet("/{id}/reporter", RevealReporter).RequireAuthorization(Roles.PoliceOnly).WithName("RevealReporter");
        group.MapGet("/{id}/audit", GetAudit).RequireAuthorization(Roles.PoliceOrOperator).WithName("GetIncidentAudit");
        return app;
    }

    private static async Task<Results<Created<IncidentResponse>, ProblemHttpResult>> Report(
        ReportRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (Caller(user, idempotencyKey) is { Error: { } refused }) return refused;
        var actor = user.ToActor()!;
        if (!Categories.IsKnown(request.Category))
        {
            return Problems.Invalid("unknown-category", $"Unknown category '{request.Category}'. Known: {string.Join(", ", Categories.List.Select(c => c.Code))}.");
        }

        if (request.Location is not { Lat: { } lat, Lon: { } lon } location)
        {
            return Problems.Invalid("location-required", "'location' with 'lat' and 'lon' is required.");
        }

        var severity = Severity.Medium;
        if (request.Severity is not null && !IncidentMapping.TryParse(request.Severity, out severity))
        {
            return Problems.Invalid("unknown-severity", "'severity' must be one of low, medium, high, critical.");
        }

        if (request.Language is not null && !Languages.IsValid(request.Language))
        {
            return Problems.Invalid("language-invalid", $"'{request.Language}' is not a BCP 47 language tag.");
        }

        var id = IdempotencyKeys.IncidentId(actor, idempotencyKey);
        var outcome = await grains.GetGrain<IIncidentGrain>(id).ReportAsync(new ReportIncident(
            IdempotencyKeys.OrNew(idempotencyKey),
            actor,
            request.Category!,
            request.Description ?? "",
            new GeoPoint(lat, lon, location.AccuracyM),
            severity,
            request.Language ?? actor.Language));
        if (outcome.Error is { } error) return Problems.From(error);
        return TypedResults.Created($"/api/incidents/{id}", outcome.Value!.ToResponse(actor.Language));
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> GetIncident(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor();
        if (actor is null) return Problems.Forbidden("role", "The token carries no usable role.");
        return Respond(await grain.GetAsync(actor), actor);
    }

    private static async Task<Results<Ok<EventsResponse>, ProblemHttpResult>> GetEvents(
        string id, ClaimsPrincipal user, IGrainFactory grains, long? afterSeq, int? limit)
    {
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor();
        if (actor is null) return Problems.Forbidden("role", "The token carries no usable role.");
        if (afterSeq is < 0) return Problems.Invalid("afterSeq-invalid", "'afterSeq' must not be negative.");
        if (limit is < 1 or > 1_000) return Problems.Invalid("limit-invalid", "'limit' must be between 1 and 1000.");
        var page = await grain.ReadAsync(actor.Audience, afterSeq ?? 0, limit ?? 1_000);
        if (!page.Found) return UnknownIncident();
        return TypedResults.Ok(new EventsResponse(
            $"incident:{grain.GetPrimaryKeyString()}",
            EnvelopeMapper.AudienceName(actor.Audience),
            page.Head,
            page.Truncated,
            page.Events.Select(e => EnvelopeMapper.Map(e, actor.Language)).ToList()));
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> AddNote(
        string id, NoteRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (Caller(user, idempotencyKey) is { Error: { } refused }) return refused;
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor()!;
        if (!IncidentMapping.TryParse<NoteVisibility>(request.Visibility, out var visibility))
        {
            return Problems.Invalid("unknown-visibility", "'visibility' must be one of public, authorities, police.");
        }

        if (request.Language is not null && !Languages.IsValid(request.Language))
        {
            return Problems.Invalid("language-invalid", $"'{request.Language}' is not a BCP 47 language tag.");
        }

        var outcome = await grain.AddNoteAsync(new AddNote(IdempotencyKeys.OrNew(idempotencyKey), actor, request.Text ?? "", visibility, request.Language ?? actor.Language));
        return Respond(outcome, actor);
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> ChangeStatus(
        string id, StatusRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (Caller(user, idempotencyKey) is { Error: { } refused }) return refused;
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor()!;
        if (!IncidentMapping.TryParse<IncidentStatus>(request.Status, out var status))
        {
            return Problems.Invalid("unknown-status", "'status' must be one of reported, acknowledged, dispatched, resolved, closed, rejected, duplicate.");
        }

        return Respond(await grain.ChangeStatusAsync(new ChangeStatus(IdempotencyKeys.OrNew(idempotencyKey), actor, status, request.Reason)), actor);
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Assign(
        string id, AssignRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (Caller(user, idempotencyKey) is { Error: { } refused }) return refused;
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor()!;
        return Respond(await grain.AssignAsync(new AssignUnit(IdempotencyKeys.OrNew(idempotencyKey), actor, request.Unit ?? "")), actor);
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Moderate(
        string id, ModerationRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (Caller(user, idempotencyKey) is { Error: { } refused }) return refused;
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor()!;
        if (string.IsNullOrWhiteSpace(request.EventId) || request.EventId.Length > 64)
        {
            return Problems.Invalid("eventId-required", "'eventId' names the event that added the note.");
        }

        if (!IncidentMapping.TryParse<ModerationAction>(request.Action, out var action))
        {
            return Problems.Invalid("unknown-action", "'action' must be hide or restore.");
        }

        return Respond(await grain.ModerateAsync(new ModerateNote(IdempotencyKeys.OrNew(idempotencyKey), actor, request.EventId, action, request.Reason ?? "")), actor);
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Flag(
        string id, FlagRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (Caller(user, idempotencyKey) is { Error: { } refused }) return refused;
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor()!;
        if (string.IsNullOrWhiteSpace(request.EventId) || request.EventId.Length > 64)
        {
            return Problems.Invalid("eventId-required", "'eventId' names the event that added the note.");
        }

        return Respond(await grain.FlagAsync(new FlagNote(IdempotencyKeys.OrNew(idempotencyKey), actor, request.EventId, request.Reason)), actor);
    }

    /// <summary>Police only; the read is written to the incident's audit trail before the identity is returned.</summary>
    private static async Task<Results<Ok<ReporterDto>, ProblemHttpResult>> RevealReporter(string id, string? reason, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var outcome = await grain.RevealReporterAsync(user.ToActor()!, reason ?? "");
        if (outcome.Error is { } error) return Problems.From(error);
        var r = outcome.Value!;
        return TypedResults.Ok(new ReporterDto(r.UserId, r.Name, r.Erased));
    }

    private static async Task<Results<Ok<List<AuditEntryDto>>, ProblemHttpResult>> GetAudit(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var outcome = await grain.GetAuditAsync(user.ToActor()!);
        if (outcome.Error is { } error) return Problems.From(error);
        return TypedResults.Ok(outcome.Value!.Select(a => new AuditEntryDto(EnvelopeMapper.FormatTime(a.At), EnvelopeMapper.RoleName(a.ActorRole), a.ActorId, a.Action, a.Detail)).ToList());
    }

    private static (Actor? Actor, ProblemHttpResult? Error) Caller(ClaimsPrincipal user, string? idempotencyKey)
    {
        if (user.ToActor() is not { } actor) return (null, Problems.Forbidden("role", "The token carries no usable role."));
        if (!IdempotencyKeys.IsValid(idempotencyKey))
        {
            return (null, Problems.Invalid("idempotency-key-invalid", $"'{IdempotencyKeys.Header}' must be 1 to {IdempotencyKeys.MaxLength} visible ASCII characters."));
        }

        return (actor, null);
    }

    private static IIncidentGrain? Grain(IGrainFactory grains, string id) =>
        Guid.TryParseExact(id, "D", out var guid) ? grains.GetGrain<IIncidentGrain>(guid.ToString("D")) : null;

    private static ProblemHttpResult UnknownIncident() => Problems.NotFound("incident-not-found", "No such incident.");

    private static Results<Ok<IncidentResponse>, ProblemHttpResult> Respond(Outcome<IncidentView> outcome, Actor actor) =>
        outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ToResponse(actor.Language));
}
