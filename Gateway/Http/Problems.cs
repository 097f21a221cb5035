using Collab.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collab.Gateway;

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

    private static string Title(string code) =>
        char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' ');
}
