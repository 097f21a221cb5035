using System.Text.Json;
using Collab.Federation;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Federation;

/// <summary>
/// The API between cities (<c>/federation/v1</c>): this city's public keys, and partners' signed
/// batches of shared events. No user token: a batch is authenticated by its signature
/// (<see cref="FederationVerifier"/>), and anything unsigned, forged or stale is 401 with nothing applied.
/// </summary>
public static partial class FederationApi
{
    /// <summary>A batch holds at most 100 incidents' shared views; each view is bounded (descriptions, notes).</summary>
    public const long MaxBatchBytes = 8 * 1024 * 1024;

    public static IEndpointRouteBuilder MapFederationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/federation/v1").WithTags("Federation").AllowAnonymous();
        group.MapGet("/keys", GetFederationKeys).WithName("GetFederationKeys");
        group.MapPost("/events", ReceiveFederationEvents).WithName("ReceiveFederationEvents").DisableAntiforgery();
        return app;
    }

    private static Ok<JwksResponse> GetFederationKeys(FederationKeys keys) => TypedResults.Ok(new JwksResponse(keys.CityId, keys.Published));

    private static async Task<Results<Ok<FederationEventsResponse>, ProblemHttpResult>> ReceiveFederationEvents(
        HttpContext http, FederationVerifier verifier, IGrainFactory grains, ILoggerFactory loggers)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBatchBytes;
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);

        var verified = await verifier.VerifyAsync(http.Request.Headers.Authorization, "POST", FederationSignature.EventsPath, body);
        if (!verified.IsValid)
        {
            LogRefused(loggers.CreateLogger(typeof(FederationApi)), verified.Error!);
            return Problems.Problem(StatusCodes.Status401Unauthorized, "federation-signature-invalid", verified.Error!);
        }

        var partner = verified.PartnerId!;
        FederatedBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<FederatedBatch>(body.Span, FederationJson.Options);
        }
        catch (JsonException)
        {
            batch = null;
        }

        if (Invalid(batch, partner) is { } problem)
        {
            return Problems.Invalid("federation-batch-invalid", problem);
        }

        var result = await grains.GetGrain<IPartnerMirrorGrain>(partner).ApplyAsync(batch!);
        return result.Accepted
            ? TypedResults.Ok(new FederationEventsResponse(result.AppliedThrough, result.Applied))
            : TypedResults.Problem(
                detail: $"This batch does not continue from seq {result.AppliedThrough}; resume after it.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Out of order",
                type: Problems.TypePrefix + "federation-out-of-order",
                extensions: new Dictionary<string, object?> { ["code"] = "federation-out-of-order", ["appliedThrough"] = result.AppliedThrough });
    }

    /// <summary>Why a verified batch cannot be applied, or null: from its signer, at most 100 contiguous events, each a whole incident.</summary>
    private static string? Invalid(FederatedBatch? batch, string partner)
    {
        if (batch is null || batch.Events is null || batch.Origin is null || string.IsNullOrEmpty(batch.Epoch)) return "The body is not a federation batch.";
        if (batch.Origin != partner) return "The batch's origin is not its signer.";
        if (batch.Events.Count > 100) return "A batch holds at most 100 events.";
        if (batch.Audience is not (Collab.Common.Audience.Public or Collab.Common.Audience.Council)) return "A partner shares the public or the council view only.";
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            if (e is null || e.Incident is null || e.Id is null || e.Type is null || e.Incident.Notes is null || e.Incident.Location is null) return $"Event {i} is incomplete.";
            if (e.Seq < 1 || (i > 0 && e.Seq != batch.Events[i - 1].Seq + 1)) return "The events' seqs must be contiguous and positive.";
            if (e.Incident.Origin != partner) return $"Event {i} is not the partner's own incident.";
            if (e.Incident.Audience is not (Collab.Common.Audience.Public or Collab.Common.Audience.Council)) return $"Event {i} is not a shareable view.";
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Federation request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
