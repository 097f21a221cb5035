using System.Text;
using Collab.Gateway.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Tests.Gateway;

/// <summary>
/// The gateway remembers tokens it validated, by their exact text and never past their expiry:
/// a repeat is answered from memory, a token changed in one character is validated in full, and
/// an expired one is refused as before.
/// </summary>
public sealed class RememberingTokenHandlerTests
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("a-test-signing-key-of-at-least-32-bytes"));

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "collab",
        ValidAudience = "collab",
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
    };

    private static string Token(DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Claims = new Dictionary<string, object> { ["sub"] = "citizen-1", ["role"] = "citizen" },
        Issuer = "collab",
        Audience = "collab",
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = expires,
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
    });

    [Fact]
    public async Task ARepeatIsRememberedAndAChangedTokenIsNot()
    {
        using var handler = new RememberingTokenHandler();
        var token = Token(DateTime.UtcNow.AddHours(1));

        var first = await handler.ValidateTokenAsync(token, Parameters);
        var again = await handler.ValidateTokenAsync(token, Parameters);
        Assert.True(first.IsValid);
        Assert.Same(first, again);
        Assert.Equal("citizen-1", again.ClaimsIdentity.FindFirst("sub")?.Value);

        // The same token with its signature's last character changed: validated, and refused.
        var last = token[^1];
        var forged = token[..^1] + (last == 'A' ? 'B' : 'A');
        Assert.False((await handler.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token + "x", Parameters)).IsValid);
    }

    [Fact]
    public async Task ARememberedTokenExpiresWhenItsTokenDoes()
    {
        using var handler = new RememberingTokenHandler();
        var token = Token(DateTime.UtcNow.AddSeconds(2));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var later = await handler.ValidateTokenAsync(token, Parameters);
        Assert.False(later.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(later.Exception);
    }

    [Fact]
    public async Task ARefusedTokenIsNeverRemembered()
    {
        using var handler = new RememberingTokenHandler();
        var expired = Token(DateTime.UtcNow.AddSeconds(-5));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.False((await handler.ValidateTokenAsync(expired, Parameters)).IsValid);
        }
    }
}
