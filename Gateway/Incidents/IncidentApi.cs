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
        if (user.ToActor() is not { } actor) return NoRole();
        var outcome = await IncidentCommands.ReportAsync(grains, actor, request, idempotencyKey);
        if (outcome.Error is { } error) return Problems.From(error);
        return TypedResults.Created($"/api/incidents/{outcome.Value!.Id}", outcome.Value.ToResponse(actor.Language));
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> GetIncident(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor();
        if (actor is null) return NoRole();
        return Respond(await grain.GetAsync(actor), actor);
    }

    private static async Task<Results<Ok<EventsResponse>, ProblemHttpResult>> GetEvents(
        string id, ClaimsPrincipal user, IGrainFactory grains, long? afterSeq, int? limit)
    {
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        var actor = user.ToActor();
        if (actor is null) return NoRole();
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

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> AddNote(
        string id, NoteRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
        CommandAsync(user, actor => IncidentCommands.AddNoteAsync(grains, actor, id, request, idempotencyKey));

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> ChangeStatus(
        string id, StatusRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
        CommandAsync(user, actor => IncidentCommands.ChangeStatusAsync(grains, actor, id, request, idempotencyKey));

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Assign(
        string id, AssignRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
        CommandAsync(user, actor => IncidentCommands.AssignAsync(grains, actor, id, request, idempotencyKey));

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Moderate(
        string id, ModerationRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
        CommandAsync(user, actor => IncidentCommands.ModerateAsync(grains, actor, id, request, idempotencyKey));

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Flag(
        string id, FlagRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
        CommandAsync(user, actor => IncidentCommands.FlagAsync(grains, actor, id, request, idempotencyKey));

    /// <summary>A command on an existing incident (<see cref="IncidentCommands"/>), answered as REST answers.</summary>
    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> CommandAsync(
        ClaimsPrincipal user, Func<Actor, Task<Outcome<IncidentView>>> command)
    {
        if (user.ToActor() is not { } actor) return NoRole();
        return Respond(await command(actor), actor);
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

    private static ProblemHttpResult NoRole() => Problems.Forbidden("role", "The token carries no usable role.");

    private static IIncidentGrain? Grain(IGrainFactory grains, string id) => IncidentCommands.Grain(grains, id);

    private static ProblemHttpResult UnknownIncident() => Problems.From(IncidentCommands.UnknownIncident);

    private static Results<Ok<IncidentResponse>, ProblemHttpResult> Respond(Outcome<IncidentView> outcome, Actor actor) =>
        outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(outcome.Value!.ToResponse(actor.Language));
}
