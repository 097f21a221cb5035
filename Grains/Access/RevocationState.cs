using Collab.Access;

namespace Collab.Access;

/// <summary>Persisted revocations by user, pruned once no token they cover can still be valid.</summary>
[GenerateSerializer, Alias("collab.state.Revocations")]
internal sealed class RevocationState
{
    [Id(0)] public Dictionary<string, DateTimeOffset> IssuedBefore { get; set; } = [];
}
