namespace Collab.Common;

/// <summary>Why a command was refused; the gateway maps each to an HTTP status.</summary>
public enum ErrorKind
{
    Invalid = 0,
    Forbidden = 1,
    NotFound = 2,
    Conflict = 3,

    /// <summary>Well-formed, but not what this key was used for: an idempotency key reused with another command (422).</summary>
    Unprocessable = 4,

    /// <summary>Something the command needs cannot be reached now (a partner city's gateway); retry with the same key (503).</summary>
    Unavailable = 5,
}
