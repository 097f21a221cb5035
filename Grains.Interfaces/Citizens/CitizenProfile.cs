namespace Collab.Citizens;

/// <summary>A citizen's own profile; only ever returned to that citizen.</summary>
[GenerateSerializer, Immutable, Alias("collab.CitizenProfile")]
public sealed record CitizenProfile(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] string Language,
    [property: Id(2)] IReadOnlyList<string> Follows,
    [property: Id(3)] IReadOnlyList<string> Reports,
    [property: Id(4)] long Seq);
