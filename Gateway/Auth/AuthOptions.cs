using System.ComponentModel.DataAnnotations;

namespace Collab.Gateway.Auth;

/// <summary>Token validation and the development token endpoint (<c>Collab:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>Enables <c>POST /dev/token</c>. Never on outside local development.</summary>
    public bool DevTokens { get; set; }

    /// <summary>
    /// Lets <see cref="DevTokens"/> run outside the Development environment (test rigs, load tests);
    /// logged as a warning at startup. Without it, dev tokens outside Development refuse to start.
    /// </summary>
    public bool AllowDevTokensOutsideDevelopment { get; set; }

    [Required]
    public string Issuer { get; set; } = "collab";

    [Required]
    public string Audience { get; set; } = "collab";

    /// <summary>
    /// The HMAC-SHA256 signing key (at least 32 bytes of UTF-8). Required unless dev tokens are on,
    /// in which case a random key is made for the life of the process.
    /// </summary>
    [MinLength(32)]
    public string? SigningKey { get; set; }

    /// <summary>An OIDC authority whose published keys sign tokens, instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);
}
