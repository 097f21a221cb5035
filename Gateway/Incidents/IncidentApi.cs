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

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> AddNote(
        string id, NoteRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (!IncidentMapping.TryParse<NoteVisibility>(request.Visibility, out var visibility))
        {
            return Refused(Problems.Invalid("unknown-visibility", "'visibility' must be one of public, authorities, police."));
        }

        if (request.Language is not null && !Languages.IsValid(request.Language))
        {
            return Refused(Problems.Invalid("language-invalid", $"'{request.Language}' is not a BCP 47 language tag."));
        }

        return CommandAsync(id, user, grains, idempotencyKey, (grain, actor, key) =>
            grain.AddNoteAsync(new AddNote(key, actor, request.Text ?? "", visibility, request.Language ?? actor.Language)));
    }

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> ChangeStatus(
        string id, StatusRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
        IncidentMapping.TryParse<IncidentStatus>(request.Status, out var status)
            ? CommandAsync(id, user, grains, idempotencyKey, (grain, actor, key) => grain.ChangeStatusAsync(new ChangeStatus(key, actor, status, request.Reason)))
            : Refused(Problems.Invalid("unknown-status", "'status' must be one of reported, acknowledged, dispatched, resolved, closed, rejected, duplicate."));

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Assign(
        string id, AssignRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
        CommandAsync(id, user, grains, idempotencyKey, (grain, actor, key) => grain.AssignAsync(new AssignUnit(key, actor, request.Unit ?? "")));

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Moderate(
        string id, ModerationRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (CheckEventId(request.EventId) is { } invalid) return Refused(invalid);
        if (!IncidentMapping.TryParse<ModerationAction>(request.Action, out var action))
        {
            return Refused(Problems.Invalid("unknown-action", "'action' must be hide or restore."));
        }

        return CommandAsync(id, user, grains, idempotencyKey, (grain, actor, key) =>
            grain.ModerateAsync(new ModerateNote(key, actor, request.EventId!, action, request.Reason ?? "")));
    }

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Flag(
        string id, FlagRequest request, ClaimsPrincipal user, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
        CheckEventId(request.EventId) is { } invalid
            ? Refused(invalid)
            : CommandAsync(id, user, grains, idempotencyKey, (grain, actor, key) => grain.FlagAsync(new FlagNote(key, actor, request.EventId!, request.Reason)));

    /// <summary>
    /// What every command on an existing incident shares: a usable caller and idempotency key, a
    /// well-formed id, the call, and the caller's view (or the grain's refusal) as the answer.
    /// </summary>
    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> CommandAsync(
        string id, ClaimsPrincipal user, IGrainFactory grains, string? idempotencyKey,
        Func<IIncidentGrain, Actor, string, Task<Outcome<IncidentView>>> command)
    {
        var (actor, refused) = Caller(user, idempotencyKey);
        if (refused is not null) return refused;
        if (Grain(grains, id) is not { } grain) return UnknownIncident();
        return Respond(await command(grain, actor!, IdempotencyKeys.OrNew(idempotencyKey)), actor!);
    }

    private static Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> Refused(ProblemHttpResult problem) =>
        Task.FromResult<Results<Ok<IncidentResponse>, ProblemHttpResult>>(problem);

    private static ProblemHttpResult? CheckEventId(string? eventId) =>
        string.IsNullOrWhiteSpace(eventId) || eventId.Length > 64
            ? Problems.Invalid("eventId-required", "'eventId' names the event that added the note.")
            : null;

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
