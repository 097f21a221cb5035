using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Gateway.Auth;

/// <summary>Mints tokens for local development and tests, signed with the configured key.</summary>
internal sealed class DevTokenIssuer(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public string Issue(string sub, string role, string? lang, string? name, bool trainer = false, bool supervisor = false)
    {
        var claims = new List<Claim> { new("sub", sub), new("role", role) };
        if (trainer) claims.Add(new Claim(Roles.TrainerClaim, "true"));
        if (supervisor) claims.Add(new Claim(Roles.SupervisorClaim, "true"));
        if (lang is not null) claims.Add(new Claim("lang", lang));
        if (name is not null) claims.Add(new Claim("name", name));
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.DevTokenLifetime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
    }
}
