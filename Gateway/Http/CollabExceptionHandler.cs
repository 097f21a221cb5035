using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Collab.Gateway;

/// <summary>
/// Turns what escapes a handler into problem details: malformed or oversized requests are the
/// caller's fault (4xx); an unreachable cluster or store is 503, so clients retry with their
/// idempotency key; anything else is a 500 without internals.
/// </summary>
internal sealed partial class CollabExceptionHandler(IProblemDetailsService problems, ILogger<CollabExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "payload-too-large" : "malformed-request", Clean(bad)),
            TimeoutException or OperationCanceledException or Orleans.Runtime.OrleansException or Orleans.Runtime.SiloUnavailableException =>
                (StatusCodes.Status503ServiceUnavailable, "unavailable", "The service is temporarily unavailable; retry with the same Idempotency-Key."),
            _ => (StatusCodes.Status500InternalServerError, "internal-error", "An unexpected error occurred."),
        };
        if (status >= 500)
        {
            LogFailure(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Type = Problems.TypePrefix + code,
                Title = char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' '),
                Detail = detail,
                Extensions = { ["code"] = code },
            },
        });
    }

    /// <summary>The framework's message names the failing parameter; the inner JSON error says where.</summary>
    private static string Clean(BadHttpRequestException bad) =>
        bad.InnerException is System.Text.Json.JsonException json
            ? $"The request body is not valid JSON for this endpoint: {json.Message}"
            : bad.Message;

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string method, string path);
}
