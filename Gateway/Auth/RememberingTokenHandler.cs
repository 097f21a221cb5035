using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collab.Gateway.Auth;

/// <summary>
/// The bearer token handler, remembering the tokens it has validated. A console or an officer's
/// app sends the same token with every request for its lifetime; parsing it, checking its
/// signature and building its claims again each time was a third of what a REST command allocated
/// in the gateway. A token is remembered, by its exact text, only after full validation succeeded,
/// for at most <see cref="MaxAge"/> and never past its own expiry (checked on every use); a
/// token that differs in one character is a stranger and validated in full. Everything decided per
/// request still is: revocation and the token's shape run in <c>OnTokenValidated</c> each time.
/// A remembered result's claims identity is shared by the requests that carry the token (each gets
/// its own principal around it): nothing in the gateway adds claims to an identity, and anything that
/// would must copy it first.
/// </summary>
public sealed class RememberingTokenHandler : JsonWebTokenHandler, IDisposable
{
    /// <summary>How long a validated token is remembered at most, however long it lives.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Tokens remembered at most; the least recently used go first.</summary>
    public const int Capacity = 20_000;

    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.25 });

    public RememberingTokenHandler() => MapInboundClaims = false;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_validated.TryGetValue(token, out Remembered? known) && known!.ExpiresAt > DateTime.UtcNow)
        {
            return known.Validated;
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken { ValidTo: var expires } && expires > DateTime.UtcNow)
        {
            _validated.Set(token, new Remembered(result, expires), new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpirationRelativeToNow = MaxAge,
            });
        }

        return result;
    }

    public void Dispose() => _validated.Dispose();

    private sealed record Remembered(TokenValidationResult Validated, DateTime ExpiresAt);
}
