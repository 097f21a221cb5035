using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Gateway.Auth;

/// <summary>
/// What the token library lets through that a JWT must not be: a <c>crit</c> header (RFC 7515
/// §4.1.11: a recipient that does not understand a listed extension must refuse the token; this
/// gateway understands none, and an empty list is invalid), and times that are not NumericDates
/// (RFC 7519 §2: <c>"exp": "1893456000"</c> is read as a number by the library, so a token a
/// stricter service refuses would be accepted here).
/// </summary>
internal static class TokenShape
{
    private static readonly string[] Times = ["exp", "nbf", "iat"];

    /// <summary>Why the token is refused, or null.</summary>
    public static string? Refusal(JsonWebToken token)
    {
        if (token.TryGetHeaderValue<object>("crit", out _))
        {
            return "The token names critical header extensions this service does not understand.";
        }

        // The library reads registered times as numbers whatever their JSON type, so the payload's own JSON is asked.
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        foreach (var name in Times)
        {
            if (payload.RootElement.TryGetProperty(name, out var time) && time.ValueKind != JsonValueKind.Number)
            {
                return $"The token's '{name}' is not a NumericDate.";
            }
        }

        return null;
    }
}
