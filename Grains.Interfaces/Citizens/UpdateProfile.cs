namespace Collab.Citizens;

/// <summary>New display name and language; null leaves a field as it is.</summary>
[GenerateSerializer, Immutable, Alias("collab.UpdateProfile")]
public sealed record UpdateProfile(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] string? Language);
