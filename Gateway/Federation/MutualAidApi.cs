using System.Text.Json;
using Collab.Common;
using Collab.Federation;
using Collab.Gateway.Auth;
using Collab.Gateway.Localization;
using Collab.Gateway.Incidents;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Federation;

/// <summary>
/// Mutual aid: police of this city add an <c>authorities</c> note to an incident a partner shared
/// (<see cref="SendAsync"/>, from <c>POST /api/incidents/{id}/notes</c>), which travels to the
/// partner signed (<c>POST /federation/v1/incidents/{id}/notes</c>, <see cref="ReceivePartnerNote"/>)
/// and lands in the partner's own incident, its actor named as police of this city. The note's id
/// comes from the officer and their idempotency key, so a retry adds nothing.
/// </summary>
public static class MutualAidApi
{
    public static RouteGroupBuilder MapPartnerNotes(this RouteGroupBuilder federation)
    {
        federation.MapPost("/incidents/{id}/notes", ReceivePartnerNote).WithName("ReceivePartnerNote").DisableAntiforgery();
        return federation;
    }

    /// <summary>The note of this city's police on partner <paramref name="partner"/>'s incident: sent, and answered with the incident as the partner shares it.</summary>
    public static async Task<Results<Ok<IncidentResponse>, Ok<SharedIncidentDto>, ProblemHttpResult>> SendAsync(
        IGrainFactory grains, HttpContext http, Caller caller, Translations texts, string partner, string incidentId, NoteRequest request, string? idempotencyKey)
    {
        if (caller.Role != ActorRole.Police)
        {
            return Problems.Forbidden("partner-note-forbidden", "Only police add notes to a partner city's incident.");
        }

        if (IdempotencyKeys.Check(idempotencyKey) is { } badKey) return Problems.From(badKey);
        if (request.Visibility != "authorities")
        {
            return Problems.Invalid("partner-note-visibility", "A note on a partner city's incident is an 'authorities' note.");
        }

        var language = request.Language ?? caller.Language;
        if (!Languages.IsValid(language))
        {
            return Problems.Invalid("language-invalid", $"'{request.Language}' is not a BCP 47 language tag.");
        }

        var id = IdempotencyKeys.DerivedId($"partner-note\n{incidentId}", caller.Actor, idempotencyKey);
        var outcome = await grains.GetGrain<IPartnerNoteRelay>(0).SendNoteAsync(partner, incidentId, new PartnerNote(id, request.Text ?? "", language, caller.Actor.Name));
        if (outcome.Error is { } error)
        {
            if (error.Kind == ErrorKind.Unavailable)
            {
                http.Response.Headers.RetryAfter = "5";
            }

            return Problems.From(error);
        }

        return TypedResults.Ok(SharedIncidentDto.From(outcome.Value! with { Origin = partner }, texts.CategoryName(outcome.Value!.Category, Translations.RequestLanguage)));
    }

    /// <summary>
    /// A partner's police add a note to one of this city's incidents that the policy shares with that
    /// partner (404 otherwise, as for an incident that does not exist). Signed by the partner; an
    /// <c>authorities</c> note by police of that city; answered with the incident as the partner sees it.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReceivePartnerNote(
        string id, HttpContext http, FederationVerifier verifier, FederationKeys keys, IOptions<FederationOptions> options, IGrainFactory grains)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var verified = await verifier.VerifyAsync(http.Request.Headers.Authorization, "POST", http.Request.Path.Value ?? "", body);
        if (!verified.IsValid)
        {
            return Problems.Problem(StatusCodes.Status401Unauthorized, "federation-signature-invalid", verified.Error!);
        }

        var partner = verified.PartnerId!;
        PartnerNote? note;
        try
        {
            note = JsonSerializer.Deserialize<PartnerNote>(body.Span, FederationJson.Options);
        }
        catch (JsonException)
        {
            note = null;
        }

        if (note is not { Id: not null, Text: not null, Language: not null } || IdempotencyKeys.Check(note.Id) is not null
            || !Languages.IsValid(note.Language) || note.AuthorName is { Length: > 200 } || !TextRules.IsValid(note.AuthorName))
        {
            return Problems.Invalid("federation-note-invalid", "The body is not a note: 'id' (1-128 visible ASCII characters), 'text', 'language' (BCP 47), 'authorName' optional.");
        }

        var policy = SharingPolicy.From(partner, options.Value.Partners[partner].Share);
        var viewer = new Actor(policy.Audience == Audience.Council ? ActorRole.Council : ActorRole.Citizen, Caller.PartnerSubjectPrefix + partner, null, Languages.Default);
        if (await IncidentCommands.FindAsync(grains, id) is not { } grain
            || (await grain.GetAsync(viewer)).Value is not { } view
            || !policy.Shares(view.Neighbourhood, view.Category, view.Exercise is not null))
        {
            return Problems.From(IncidentCommands.UnknownIncident);
        }

        var author = new Actor(ActorRole.Police, Caller.PartnerSubjectPrefix + partner, note.AuthorName, Languages.Normalize(note.Language), City: partner);
        var added = await grain.AddNoteAsync(new AddNote(note.Id, author, note.Text, NoteVisibility.Authorities, author.Language));
        if (added.Error is { } error)
        {
            return Problems.From(error);
        }

        var shared = (await grain.GetAsync(viewer)).Value!;
        return TypedResults.Bytes(JsonSerializer.SerializeToUtf8Bytes(SharedIncident.From(keys.CityId, shared), FederationJson.Options), "application/json");
    }
}
