using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// Hand-made JWTs signed with the fixture's key: any header and payload JSON, byte for byte, so a
/// test can send what no well-behaved token library writes (a role array, a string <c>exp</c>, <c>crit</c>).
/// </summary>
public static class RawTokens
{
    /// <summary>A token whose payload is <paramref name="claims"/> plus a valid issuer, audience and lifetime unless given.</summary>
    public static string Sign(Dictionary<string, object?> claims, Dictionary<string, object?>? extraHeader = null)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object?>
        {
            ["iss"] = "collab",
            ["aud"] = "collab",
            ["iat"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in claims)
        {
            if (value is null) payload.Remove(name);
            else payload[name] = value;
        }

        var header = new Dictionary<string, object?> { ["alg"] = "HS256", ["typ"] = "JWT" };
        foreach (var (name, value) in extraHeader ?? [])
        {
            header[name] = value;
        }

        return SignRaw(JsonSerializer.Serialize(header), JsonSerializer.Serialize(payload));
    }

    /// <summary>A token of exactly this header and payload JSON.</summary>
    public static string SignRaw(string headerJson, string payloadJson)
    {
        var signed = $"{Base64UrlEncoder.Encode(headerJson)}.{Base64UrlEncoder.Encode(payloadJson)}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(GatewayFixture.SigningKey), Encoding.UTF8.GetBytes(signed));
        return $"{signed}.{Base64UrlEncoder.Encode(signature)}";
    }
}
