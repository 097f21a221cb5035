using Collab.Common;
using Collab.Federation;
using Collab.Gateway.Federation;
using Collab.Gateway.Auth;
using Collab.Gateway.Localization;
using Collab.Gateway.Operations;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Incidents;

/// <summary>Incidents: report, read, timeline, notes, status, assignment and moderation.</summary>
public static class IncidentApi
{
    public static IEndpointRouteBuilder MapIncidentApi(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/api/incidents").WithTags("Incidents").RequireAuthorization();
        incidents.MapGet("/{id}", GetIncident).WithName("GetIncident");
        incidents.MapGet("/{id}/events", GetIncidentEvents).WithName("GetIncidentEvents");
        incidents.MapGet("/{id}/reporter", RevealReporter).RequireAuthorization(Roles.PoliceOnly).WithName("RevealReporter");
        incidents.MapGet("/{id}/audit", GetIncidentAudit).RequireAuthorization(Roles.PoliceOrOperator).WithName("GetIncidentAudit");

        var commands = incidents.MapCommandGroup();
        commands.MapPost("/", ReportIncident).RequireAuthorization(Roles.Reporters).WithName("ReportIncident");
        commands.MapPost("/{id}/notes", AddNote).RequireAuthorization(Roles.Reporters).WithName("AddNote");
        commands.MapPost("/{id}/status", OnIncident<StatusRequest>(IncidentCommands.ChangeStatusAsync)).RequireAuthorization(Roles.Authorities).WithName("ChangeStatus");
        commands.MapPost("/{id}/assign", OnIncident<AssignRequest>(IncidentCommands.AssignAsync)).RequireAuthorization(Roles.PoliceOnly).WithName("AssignUnit");
        commands.MapPost("/{id}/moderation", OnIncident<ModerationRequest>(IncidentCommands.ModerateAsync)).RequireAuthorization(Roles.Authorities).WithName("ModerateNote");
        commands.MapPost("/{id}/flags", OnIncident<FlagRequest>(IncidentCommands.FlagAsync)).RequireAuthorization(Roles.CitizenOnly).WithName("FlagNote");
        return app;
    }

    private static async Task<Results<Created<IncidentResponse>, ProblemHttpResult>> ReportIncident(
        ReportRequest request, Caller caller, IGrainFactory grains, Translations texts,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        var outcome = await IncidentCommands.ReportAsync(grains, caller.Actor, request, idempotencyKey);
        if (outcome.Error is { } error) return Problems.From(error);
        return TypedResults.Created($"/api/incidents/{outcome.Value!.Id}", outcome.Value.ToResponse(Translations.RequestLanguage, texts));
    }

    /// <summary>
    /// The handler of a command on an existing incident (<see cref="IncidentCommands"/>): the id from
    /// the route, the request from the body, the answer as REST answers.
    /// </summary>
    private static Delegate OnIncident<TRequest>(Func<IGrainFactory, Actor, string?, TRequest?, string?, Task<Outcome<IncidentView>>> command)
        where TRequest : class =>
        async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> (string id, TRequest request, Caller caller, IGrainFactory grains, Translations texts,
            HttpContext http, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey) =>
            Respond(await command(grains, caller.Actor, id, request, idempotencyKey), texts, http);

    /// <summary>A note on an incident of this city, or (mutual aid, police only) on one a partner city shared, which goes to that city.</summary>
    private static async Task<Results<Ok<IncidentResponse>, Ok<SharedIncidentDto>, ProblemHttpResult>> AddNote(
        string id, NoteRequest request, Caller caller, IGrainFactory grains, Translations texts, IOptions<FederationOptions> federation, HttpContext http,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (await Grain(grains, id) is null && await MirroredIncidents.FindAsync(grains, federation.Value, id, caller) is { } mirrored)
        {
            return await MutualAidApi.SendAsync(grains, http, caller, texts, mirrored.Partner, mirrored.Incident.Id, request, idempotencyKey);
        }

        return Local(await IncidentCommands.AddNoteAsync(grains, caller.Actor, id, request, idempotencyKey), texts, http);
    }

    /// <summary>The caller's view of an incident of this city, or of one a partner city shared (then with its <c>origin</c>).</summary>
    private static async Task<Results<Ok<IncidentResponse>, Ok<SharedIncidentDto>, ProblemHttpResult>> GetIncident(
        string id, Caller caller, IGrainFactory grains, Translations texts, IOptions<FederationOptions> federation)
    {
        if (await Grain(grains, id) is { } grain)
        {
            return Local(await grain.GetAsync(caller.Actor), texts);
        }

        return await MirroredIncidents.FindAsync(grains, federation.Value, id, caller) is { } mirrored
            ? TypedResults.Ok(SharedIncidentDto.From(mirrored.Incident, texts.CategoryName(mirrored.Incident.Category, Translations.RequestLanguage)))
            : UnknownIncident();
    }

    private static async Task<Results<Ok<EventsResponse>, ProblemHttpResult>> GetIncidentEvents(
        string id, Caller caller, IGrainFactory grains, Translations texts, long? afterSeq, int? limit)
    {
        if (!WireFormat.TryParseId(id, out _)) return UnknownIncident();
        if (afterSeq is < 0) return Problems.Invalid("afterSeq-invalid", "'afterSeq' must not be negative.");
        if (limit is < 1 or > 1_000) return Problems.Invalid("limit-invalid", "'limit' must be between 1 and 1000.");
        if (await Grain(grains, id) is not { } grain) return UnknownIncident();
        var page = await grain.ReadAsync(caller.Audience, afterSeq ?? 0, limit ?? 1_000);
        if (!page.Found) return UnknownIncident();
        return TypedResults.Ok(new EventsResponse(
            StreamNames.OfIncident(grain.GetPrimaryKeyString()).ToString(),
            WireFormat.Name(caller.Audience),
            page.Head,
            page.Truncated,
            page.Events.Select(e => EnvelopeMapper.Map(e, Translations.RequestLanguage, texts)).ToList()));
    }

    /// <summary>Police only; the read is written to the incident's audit trail before the identity is returned.</summary>
    private static async Task<Results<Ok<ReporterDto>, ProblemHttpResult>> RevealReporter(string id, string? reason, Caller caller, IGrainFactory grains)
    {
        if (await Grain(grains, id) is not { } grain) return UnknownIncident();
        var outcome = await grain.RevealReporterAsync(caller.Actor, reason ?? "");
        if (outcome.Error is { } error) return Problems.From(error);
        var r = outcome.Value!;
        return TypedResults.Ok(new ReporterDto(r.UserId, r.Name, r.Erased));
    }

    private static async Task<Results<Ok<List<AuditEntryDto>>, ProblemHttpResult>> GetIncidentAudit(string id, Caller caller, IGrainFactory grains)
    {
        if (await Grain(grains, id) is not { } grain) return UnknownIncident();
        var outcome = await grain.GetAuditAsync(caller.Actor);
        if (outcome.Error is { } error) return Problems.From(error);
        return TypedResults.Ok(outcome.Value!.Select(a => new AuditEntryDto(WireFormat.Time(a.At), WireFormat.Name(a.ActorRole), a.ActorId, a.Action, a.Detail)).ToList());
    }

    private static ValueTask<IIncidentGrain?> Grain(IGrainFactory grains, string id) => IncidentCommands.FindAsync(grains, id);

    private static ProblemHttpResult UnknownIncident() => Problems.From(IncidentCommands.UnknownIncident);

    /// <summary>The answer of a read, or (with the command's <paramref name="http"/>) of a command: a refusal on an exercise's incident is counted as exercise activity.</summary>
    private static Results<Ok<IncidentResponse>, Ok<SharedIncidentDto>, ProblemHttpResult> Local(Outcome<IncidentView> outcome, Translations texts, HttpContext? http = null) =>
        outcome.Error is { } error
            ? http is null ? Problems.From(error) : CommandMetricsFilter.Refusal(http, error)
            : TypedResults.Ok(outcome.Value!.ToResponse(Translations.RequestLanguage, texts));

    private static Results<Ok<IncidentResponse>, ProblemHttpResult> Respond(Outcome<IncidentView> outcome, Translations texts, HttpContext http) =>
        outcome.Error is { } error ? CommandMetricsFilter.Refusal(http, error) : TypedResults.Ok(outcome.Value!.ToResponse(Translations.RequestLanguage, texts));
}
