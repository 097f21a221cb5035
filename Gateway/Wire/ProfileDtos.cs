namespace Collab.Gateway.Wire;

/// <summary><c>PUT /api/me</c>: null leaves a field unchanged.</summary>
public sealed record ProfileRequest(string? DisplayName, string? Language);

/// <summary>A citizen's own profile.</summary>
public sealed record ProfileResponse(string? DisplayName, string Language, IReadOnlyList<string> Follows, IReadOnlyList<string> Reports, long Seq);
