namespace Collab.Gateway.Wire;

/// <summary>Who the development token is for.</summary>
public sealed record DevTokenRequest(string? Sub, string? Role, string? Lang, string? Name, bool? Trainer = null, bool? Supervisor = null);

/// <summary>A signed development token.</summary>
public sealed record DevTokenResponse(string Token);

/// <summary>Whose tokens to revoke.</summary>
public sealed record RevocationRequest(string? Sub);

/// <summary>Tokens of <c>sub</c> issued before <c>issuedBefore</c> are refused.</summary>
public sealed record RevocationResponse(string Sub, string IssuedBefore);
