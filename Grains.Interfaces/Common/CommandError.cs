namespace Collab.Common;

/// <summary>A refused command: nothing was changed.</summary>
/// <param name="Kind">Category of the refusal.</param>
/// <param name="Code">Stable machine-readable code, e.g. <c>invalid-transition</c>.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="Exercise">
/// The training exercise whose incident refused the command, when it was one (for the gateway's
/// metrics, which count exercise activity apart; never written to the caller).
/// </param>
[GenerateSerializer, Immutable, Alias("collab.CommandError")]
public sealed record CommandError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message,
    [property: Id(3)] string? Exercise = null)
{
    public static CommandError Invalid(string code, string message) => new(ErrorKind.Invalid, code, message);
    public static CommandError Forbidden(string code, string message) => new(ErrorKind.Forbidden, code, message);
    public static CommandError NotFound(string code, string message) => new(ErrorKind.NotFound, code, message);
    public static CommandError Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);
    public static CommandError Unprocessable(string code, string message) => new(ErrorKind.Unprocessable, code, message);
    public static CommandError Unavailable(string code, string message) => new(ErrorKind.Unavailable, code, message);
}
