namespace Collab.Access;

/// <summary>Tokens of <see cref="UserId"/> issued before <see cref="IssuedBefore"/> are no longer accepted.</summary>
[GenerateSerializer, Immutable, Alias("collab.Revocation")]
public sealed record Revocation(
    [property: Id(0)] string UserId,
    [property: Id(1)] DateTimeOffset IssuedBefore);
