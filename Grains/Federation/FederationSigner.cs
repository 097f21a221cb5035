using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Federation;

/// <summary>Signs this city's requests to partners (<see cref="FederationSignature"/>).</summary>
public sealed class FederationSigner(FederationKeys keys, IOptions<FederationOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>This city's id: the issuer of what it signs.</summary>
    public string CityId => keys.CityId;

    /// <summary>The <c>Authorization</c> header value for <paramref name="body"/>, sent to <paramref name="partnerId"/> at <paramref name="path"/>.</summary>
    public string Sign(string partnerId, string method, string path, ReadOnlySpan<byte> body)
    {
        var key = keys.Signing ?? throw new InvalidOperationException("Federation is off: no signing key.");
        var now = clock.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = keys.CityId,
            Audience = partnerId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.RequestLifetime,
            TokenType = FederationSignature.TokenType,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                [FederationSignature.MethodClaim] = method,
                [FederationSignature.PathClaim] = path,
                [FederationSignature.BodyHashClaim] = FederationSignature.BodyHash(body),
            },
        });
        return $"{FederationSignature.Scheme} {token}";
    }
}
