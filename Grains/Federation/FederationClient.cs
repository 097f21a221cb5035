using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Collab.Common;
using Microsoft.Extensions.Logging;

namespace Collab.Federation;

/// <summary>What a partner answered to a batch: where it has applied through, or why delivery failed.</summary>
internal readonly record struct DeliveryResult(long? AppliedThrough, bool Refused, string? Error);

/// <summary>What a partner answered to a backfill request: a batch of its outbox for this city, or why not.</summary>
internal readonly record struct FetchResult(FederatedBatch? Batch, string? Error);

/// <summary>
/// Posts signed batches to partners through the <c>collab-federation</c> HTTP client, whose
/// resilience pipeline (Microsoft.Extensions.Http.Resilience) retries transient failures with
/// capped exponential backoff and jitter and breaks the circuit to a partner that keeps failing.
/// </summary>
internal sealed partial class FederationClient(IHttpClientFactory http, FederationSigner signer, ILogger<FederationClient> logger)
{
    public const string HttpClientName = "collab-federation";
    public const string EventsPath = FederationSignature.EventsPath;

    public async Task<DeliveryResult> SendAsync(string partnerId, string baseUrl, FederatedBatch batch, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(batch, FederationJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), EventsPath.TrimStart('/')))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.TryAddWithoutValidation("Authorization", signer.Sign(partnerId, "POST", EventsPath, body));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var applied = await AppliedThroughAsync(response, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.OK when applied is not null => new(applied, false, null),
                HttpStatusCode.Conflict when applied is not null => new(applied, true, null),
                HttpStatusCode.Unauthorized => new(null, false, "The partner refused our signature (401): check the keys each side configured."),
                var status => new(null, false, $"The partner answered {(int)status}."),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or Polly.CircuitBreaker.BrokenCircuitException
            or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, partnerId, ex.GetType().Name, ex.Message);
            return new(null, false, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Reads back up to <paramref name="limit"/> events after <paramref name="afterSeq"/> of what the partner shares with this city (signed GET).</summary>
    public async Task<FetchResult> FetchAsync(string partnerId, string baseUrl, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var path = FederationSignature.StreamRequest(signer.CityId, afterSeq, limit);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), path.TrimStart('/')));
        request.Headers.TryAddWithoutValidation("Authorization", signer.Sign(partnerId, "GET", path, []));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new(null, response.StatusCode == HttpStatusCode.Unauthorized
                    ? "The partner refused our signature (401): check the keys each side configured."
                    : $"The partner answered {(int)response.StatusCode} to a backfill.");
            }

            var batch = await response.Content.ReadFromJsonAsync<FederatedBatch>(FederationJson.Options, cancellationToken);
            return FederatedBatchRules.Check(batch, partnerId) is { } invalid ? new(null, $"The partner's backfill is not valid: {invalid}") : new(batch, null);
        }
        catch (JsonException ex)
        {
            return new(null, $"The partner's backfill is not JSON: {ex.Message}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or Polly.CircuitBreaker.BrokenCircuitException
            or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, partnerId, ex.GetType().Name, ex.Message);
            return new(null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// Posts a mutual-aid note on the partner's incident (signed); the incident as the partner shares
    /// it with this city, the partner's refusal (its problem's code), or unavailable.
    /// </summary>
    public async Task<Outcome<SharedIncident>> PostNoteAsync(string partnerId, string baseUrl, string incidentId, PartnerNote note, CancellationToken cancellationToken)
    {
        var path = FederationSignature.NotesPath(incidentId);
        var body = JsonSerializer.SerializeToUtf8Bytes(note, FederationJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), path.TrimStart('/')))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.TryAddWithoutValidation("Authorization", signer.Sign(partnerId, "POST", path, body));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var shared = await response.Content.ReadFromJsonAsync<SharedIncident>(FederationJson.Options, cancellationToken);
                return shared is { Notes: not null, Location: not null } && shared.Id == incidentId && shared.Origin == partnerId
                    ? Outcome<SharedIncident>.Ok(shared)
                    : CommandError.Unavailable("partner-unavailable", "The partner city's answer was not its incident.");
            }

            var (code, detail) = await ProblemAsync(response, cancellationToken);
            return (int)response.StatusCode switch
            {
                400 => CommandError.Invalid(code ?? "partner-refused", detail),
                403 => CommandError.Forbidden(code ?? "partner-refused", detail),
                404 => CommandError.NotFound("incident-not-found", "No such incident shared by the partner city."),
                409 => CommandError.Conflict(code ?? "partner-refused", detail),
                422 => CommandError.Unprocessable(code ?? "partner-refused", detail),
                401 => CommandError.Unavailable("partner-unavailable", "The partner city refused this city's signature (401): check the keys each side configured."),
                var status => CommandError.Unavailable("partner-unavailable", $"The partner city answered {status}."),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or TimeoutException or JsonException
            or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
        {
            LogFailed(logger, partnerId, ex.GetType().Name, ex.Message);
            return CommandError.Unavailable("partner-unavailable", "The partner city cannot be reached now; retry with the same Idempotency-Key.");
        }
    }

    /// <summary>A partner's problem details: its <c>code</c> and <c>detail</c>, when it sent them.</summary>
    private static async Task<(string? Code, string Detail)> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = json.RootElement;
            var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return (code, $"The partner city refused the note: {detail ?? response.StatusCode.ToString()}");
        }
        catch (JsonException)
        {
            return (null, $"The partner city refused the note ({(int)response.StatusCode}).");
        }
    }

    private static async Task<long?> AppliedThroughAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Conflict))
        {
            return null;
        }

        try
        {
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return json.RootElement.TryGetProperty("appliedThrough", out var value) && value.TryGetInt64(out var n) && n >= 0 ? n : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery to partner {PartnerId} failed ({Kind}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string partnerId, string kind, string reason);
}
