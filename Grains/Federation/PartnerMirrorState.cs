using Collab.Common;
using Collab.Realtime;

namespace Collab.Federation;

/// <summary>
/// Persisted mirror of one partner: the latest view of each incident it shared (active or not), bounded by
/// <see cref="FederationOptions.MirrorCapacity"/>; the <c>partner:{cityId}</c> timeline; and how far
/// the partner's outbox (of <see cref="Epoch"/>) has been applied.
/// </summary>
[GenerateSerializer, Alias("collab.state.PartnerMirror")]
internal sealed class PartnerMirrorState
{
    [Id(0)] public Timeline<SharedChange> Timeline { get; set; } = new();
    [Id(1)] public Dictionary<string, SharedIncident> Incidents { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public string? Epoch { get; set; }
    [Id(3)] public long AppliedThrough { get; set; }
    [Id(4)] public Audience SharedAudience { get; set; }
    /// <summary>When a batch last added events.</summary>
    [Id(5)] public DateTimeOffset? LastAppliedAt { get; set; }
}
