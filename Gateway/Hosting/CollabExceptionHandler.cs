using System.Data.Common;
using Collab.Gateway.Wire;
using Collab.Realtime;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Collab.Gateway.Hosting;

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
            _ when Find<StreamConflictException>(exception) is not null =>
                (StatusCodes.Status503ServiceUnavailable, "stream-conflict", "Another writer got there first; retry with the same Idempotency-Key."),
            _ when IsUnavailable(exception) =>
                (StatusCodes.Status503ServiceUnavailable, "unavailable", "The service is temporarily unavailable; retry with the same Idempotency-Key."),
            _ => (StatusCodes.Status500InternalServerError, "internal-error", "An unexpected error occurred."),
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        if (status >= 500)
        {
            LogFailure(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        if (Open311.GeoReportWriter.IsOpen311(httpContext.Request))
        {
            // Open311 clients read the standard's error array, not problem details.
            await Open311.GeoReportWriter.WriteErrorAsync(httpContext, status, detail);
            return true;
        }

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

    /// <summary>
    /// The cluster or the database is down or slow. Storage failures reach the gateway as the
    /// database's own exception or wrapped by Orleans (a storage provider's error inside an
    /// <see cref="Orleans.Runtime.OrleansException"/>, an activation failure), so the whole chain is searched.
    /// </summary>
    private static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or OperationCanceledException or DbException
                or Orleans.Runtime.OrleansException or Orleans.Runtime.SiloUnavailableException or System.Net.Sockets.SocketException)
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsUnavailable))
            {
                return true;
            }
        }

        return false;
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// A clear message naming the field or parameter, never a .NET type: the JSON error's path says
    /// where in the body (its message names the DTO type it was reading into); the framework's own
    /// messages name a parameter as <c>"Nullable&lt;long&gt; afterSeq"</c>, of which only the name is kept.
    /// </summary>
    private static string Clean(BadHttpRequestException bad)
    {
        if (bad.InnerException is System.Text.Json.JsonException json)
        {
            var field = json.Path is { Length: > 1 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            return field is null
                ? "The request body must be a JSON object of the fields this endpoint takes."
                : $"The request body is not valid JSON for this endpoint: '{field}' is missing a value, malformed, or of the wrong type.";
        }

        return ParameterWithType().Replace(bad.Message, "parameter '${name}'");
    }

    [System.Text.RegularExpressions.GeneratedRegex("parameter \"[^\"]* (?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial System.Text.RegularExpressions.Regex ParameterWithType();

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string method, string path);
}
