using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Federation;

/// <summary>The outcome of checking a partner's request: the partner it comes from, or why it is refused.</summary>
public readonly record struct VerifiedRequest(string? PartnerId, string? Error)
{
    public bool IsValid => PartnerId is not null;
}

/// <summary>
/// Checks a request signed by a partner (<see cref="FederationSignature"/>): a configured partner's
/// key, this city as audience, alive and not too long-lived, the same method, path and body.
/// Anything else is refused, and the endpoint applies nothing.
/// </summary>
public sealed class FederationVerifier(FederationKeys keys, IOptions<FederationOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public async Task<VerifiedRequest> VerifyAsync(string? authorization, string method, string path, ReadOnlyMemory<byte> body)
    {
        const string Prefix = FederationSignature.Scheme + " ";
        if (authorization is null || !authorization.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Refused($"No '{FederationSignature.Scheme}' signature.");
        }

        var token = authorization[Prefix.Length..].Trim();
        string issuer;
        try
        {
            issuer = new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return Refused("The signature is not a JWS.");
        }

        if (!keys.Partners.TryGetValue(issuer ?? "", out var partnerKeys))
        {
            return Refused("Not a partner of this city.");
        }

        var o = options.Value;
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = keys.CityId,
            IssuerSigningKeys = partnerKeys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [FederationSignature.TokenType],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = o.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, _) => Alive(notBefore, expires, o),
        });
        if (!result.IsValid)
        {
            return Refused(result.Exception switch
            {
                SecurityTokenInvalidAudienceException => "The request is for another city.",
                SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException => "The signature has expired or is not yet valid.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The signature does not match the partner's keys.",
                _ => "The signature is not valid.",
            });
        }

        var claims = result.Claims;
        if (!Same(claims, FederationSignature.MethodClaim, method) || !Same(claims, FederationSignature.PathClaim, path))
        {
            return Refused("The signature is for another request.");
        }

        if (!Same(claims, FederationSignature.BodyHashClaim, FederationSignature.BodyHash(body.Span)))
        {
            return Refused("The body does not match its signature.");
        }

        return new VerifiedRequest(issuer, null);
    }

    /// <summary>Within its validity, and not valid for longer than this city allows (a partner cannot mint long-lived requests).</summary>
    private bool Alive(DateTime? notBefore, DateTime? expires, FederationOptions o)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return expires is { } exp && notBefore is { } nbf
            && nbf - o.ClockSkew <= now && now <= exp + o.ClockSkew
            && exp - nbf <= o.RequestLifetime + o.ClockSkew;
    }

    private static bool Same(IDictionary<string, object> claims, string name, string expected) =>
        claims.TryGetValue(name, out var value) && value is string actual
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(expected));

    private static VerifiedRequest Refused(string reason) => new(null, reason);
}
