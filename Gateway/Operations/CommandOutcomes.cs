namespace Collab.Gateway.Operations;

/// <summary>The <c>outcome</c> label of <c>collab.commands</c>.</summary>
public static class CommandOutcomes
{
    public const string Ok = "ok";

    /// <summary>The caller's mistake or a rule said no: a 4xx, or a hub error.</summary>
    public const string Refused = "refused";

    /// <summary>The server's: a 5xx or an exception.</summary>
    public const string Failed = "failed";

    public static string Of(int status) => status switch
    {
        < 400 => Ok,
        < 500 => Refused,
        _ => Failed,
    };
}
