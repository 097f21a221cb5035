using Collab.Common;
using Collab.Gateway.Localization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway.Wire;

/// <summary>RFC 9457 problem details with stable <c>type</c> URIs (<c>urn:collab:problem:{code}</c>).</summary>
public static class Problems
{
    public const string TypePrefix = "urn:collab:problem:";

    public static ProblemHttpResult From(CommandError error) => Problem(
        error.Kind switch
        {
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
            ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status400BadRequest,
        },
        error.Code,
        error.Message);

    public static ProblemHttpResult Invalid(string code, string detail) => Problem(StatusCodes.Status400BadRequest, code, detail);

    public static ProblemHttpResult NotFound(string code, string detail) => Problem(StatusCodes.Status404NotFound, code, detail);

    public static ProblemHttpResult Forbidden(string code, string detail) => Problem(StatusCodes.Status403Forbidden, code, detail);

    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: Title(code), type: TypePrefix + code,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>
    /// Every problem written gets a <c>title</c> in the request's language (its code's, else its
    /// status's; <c>detail</c> stays English, for developers). Problems the framework writes itself
    /// (401, 403 and 404 from routing and auth, 413 from Kestrel) get the same stable <c>type</c>
    /// and <c>code</c> as ours.
    /// </summary>
    public static void FillDefaults(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.TryGetValue("code", out var given))
        {
            Localize(context, given as string);
            return;
        }

        var code = problem.Status switch
        {
            StatusCodes.Status400BadRequest => "bad-request",
            StatusCodes.Status401Unauthorized => "unauthorized",
            StatusCodes.Status403Forbidden => "forbidden",
            StatusCodes.Status404NotFound => "not-found",
            StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
            StatusCodes.Status413PayloadTooLarge => "payload-too-large",
            StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
            StatusCodes.Status429TooManyRequests => "too-many-requests",
            StatusCodes.Status503ServiceUnavailable => "unavailable",
            _ => null,
        };
        if (code is null)
        {
            return;
        }

        problem.Type = TypePrefix + code;
        problem.Extensions["code"] = code;
        Localize(context, code);
    }

    private static void Localize(ProblemDetailsContext context, string? code)
    {
        var texts = context.HttpContext.RequestServices.GetService<Translations>();
        if (texts?.ProblemTitle(code, context.ProblemDetails.Status, Translations.LanguageOf(context.HttpContext)) is { } title)
        {
            context.ProblemDetails.Title = title;
        }
    }

    private static string Title(string code) =>
        char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' ');
}
