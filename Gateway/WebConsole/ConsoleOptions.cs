using System.ComponentModel.DataAnnotations;

namespace Collab.Gateway.WebConsole;

/// <summary>
/// The browser console (<c>Collab:Console</c>). Outside Development it signs people in with the
/// city's identity provider (<c>Collab:Auth:Authority</c>): an OpenID Connect authorization code
/// flow with PKCE run by the browser, as a public client with this id. No password is kept here.
/// </summary>
public sealed class ConsoleOptions
{
    /// <summary>Serves the console at <c>/</c>. On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The console's client id at the identity provider (a public client, redirect URI <c>{gateway}/</c>).</summary>
    [MaxLength(200)]
    public string? ClientId { get; set; }

    /// <summary>Scopes asked for; the access token must carry <c>sub</c>, <c>role</c> and the gateway's audience.</summary>
    [MaxLength(500)]
    public string Scope { get; set; } = "openid profile";
}
