using System.Text.Json;
using Collab.Federation;
using Collab.Gateway.Auth;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Federation;

/// <summary>
/// The API between cities (<c>/federation/v1</c>): this city's public keys, partners' signed
/// batches of shared events, and partners' signed reads of what this city shares with them
/// (backfill). No user token: a request is authenticated by its signature
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
        group.MapGet("/streams/{cityId}", ReadFederationStream).WithName("ReadFederationStream");
        group.MapPartnerNotes();
        // For this city's operators (a user token), unlike the rest of /federation/v1.
        app.MapGet("/federation/v1/status", GetFederationStatus).WithTags("Federation").RequireAuthorization(Roles.OperatorOnly).WithName("GetFederationStatus");
        return app;
    }

    /// <summary>Each partner's outbound link and inbound mirror, read now (and the metrics' reading refreshed with it).</summary>
    private static async Task<Ok<FederationStatusResponse>> GetFederationStatus(FederationStatus status, FederationKeys keys, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var partners = (await status.ReadAsync()).Select(p => new PartnerStatusDto(
            p.CityId,
            p.Url,
            new OutboundStatusDto(p.Outbound.Head, p.Outbound.DeliveredThrough, p.Outbound.Lag,
                Time(p.Outbound.OldestUndeliveredAt),
                p.Outbound.OldestUndeliveredAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : null,
                Time(p.Outbound.LastSuccessAt), p.Outbound.LastError, Time(p.Outbound.LastErrorAt), WireFormat.Name(p.Outbound.Circuit)),
            new InboundStatusDto(p.Inbound.Epoch, p.Inbound.AppliedThrough, Time(p.Inbound.LastAppliedAt), Time(p.Inbound.LastBackfillAt), p.Inbound.LastBackfillError)))
            .ToList();
        return TypedResults.Ok(new FederationStatusResponse(keys.CityId, partners));
    }

    private static string? Time(DateTimeOffset? at) => at is { } t ? WireFormat.Time(t) : null;

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

        if (FederatedBatchRules.Check(batch, partner) is { } problem)
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

    /// <summary>
    /// <c>GET /federation/v1/streams/{cityId}?afterSeq=N&amp;limit=M</c>: a partner reads back its own
    /// outbox here (what this city's policy shares with it, in its audience's view), as batches of
    /// the same shape it is posted. Signed like a batch, the query included; a partner reads only the
    /// stream shared with itself.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReadFederationStream(
        string cityId, HttpContext http, FederationVerifier verifier, IGrainFactory grains, ILoggerFactory loggers)
    {
        var verified = await verifier.VerifyAsync(http.Request.Headers.Authorization, "GET", http.Request.Path + http.Request.QueryString, ReadOnlyMemory<byte>.Empty);
        if (!verified.IsValid)
        {
            LogRefused(loggers.CreateLogger(typeof(FederationApi)), verified.Error!);
            return Problems.Problem(StatusCodes.Status401Unauthorized, "federation-signature-invalid", verified.Error!);
        }

        if (verified.PartnerId != cityId)
        {
            return Problems.Problem(StatusCodes.Status403Forbidden, "federation-stream-forbidden", "A partner reads only what this city shares with it.");
        }

        if (!TryQuery(http.Request.Query, "afterSeq", 0, 0, long.MaxValue, out var afterSeq))
        {
            return Problems.Invalid("afterSeq-invalid", "'afterSeq' must be a whole number, not negative.");
        }

        if (!TryQuery(http.Request.Query, "limit", FederatedBatchRules.MaxEvents, 1, FederatedBatchRules.MaxEvents, out var limit))
        {
            return Problems.Invalid("limit-invalid", $"'limit' must be between 1 and {FederatedBatchRules.MaxEvents}.");
        }

        var batch = await grains.GetGrain<IPartnerLinkGrain>(cityId).ReadAsync(afterSeq, (int)limit);
        return TypedResults.Bytes(JsonSerializer.SerializeToUtf8Bytes(batch, FederationJson.Options), "application/json");
    }

    private static bool TryQuery(IQueryCollection query, string name, long absent, long min, long max, out long value)
    {
        value = absent;
        if (!query.TryGetValue(name, out var values))
        {
            return true;
        }

        return values.Count == 1 && long.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value)
            && value >= min && value <= max;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Federation request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
