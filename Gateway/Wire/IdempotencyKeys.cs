using System.Security.Cryptography;
using System.Text;
using Collab.Common;

namespace Collab.Gateway.Wire;

/// <summary>
/// The <c>Idempotency-Key</c> header. A report's incident id is derived from (caller, key), so a
/// retried report reaches the same grain and creates nothing new. Without a key every request
/// is new.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 128;

    /// <summary>Null for a usable key (or none), else the refusal every transport words its own way.</summary>
    public static CommandError? Check(string? key) =>
        key is null || (key.Length is > 0 and <= MaxLength && key.All(c => c is >= '!' and <= '~'))
            ? null
            : CommandError.Invalid("idempotency-key-invalid", $"'{Header}' must be 1 to {MaxLength} visible ASCII characters.");

    public static string OrNew(string? key) => key ?? RandomIds.New();

    public static string IncidentId(Actor actor, string? key) => DerivedId("incident", actor, key);

    /// <summary>A new id, or with a key the same id for the same (kind, caller, key) every time.</summary>
    public static string DerivedId(string kind, Actor actor, string? key)
    {
        if (key is null)
        {
            return RandomIds.NewGuid().ToString("D");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{actor.UserId}\n{key}"));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }
}
