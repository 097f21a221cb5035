using Collab.Common;
using Collab.Realtime;

namespace Collab.Federation;

/// <summary>
/// What a partner city shares with this one: its currently shared incidents and the
/// <c>partner:{cityId}</c> stream of their changes. Key: the partner's (origin's) city id. Applies
/// each (origin, seq) once, in order.
/// </summary>
[Alias("collab.IPartnerMirrorGrain")]
public interface IPartnerMirrorGrain : IStreamGrain
{
    /// <summary>
    /// Applies a verified batch: events already applied are skipped, a batch that does not continue
    /// from what was applied is refused with where to resume. Stored before the call returns.
    /// </summary>
    [Alias("Apply")]
    Task<InboundResult> ApplyAsync(FederatedBatch batch);

    /// <summary>The partner's currently shared incidents as <paramref name="audience"/> may see them (none for the public where the partner shares with authorities only).</summary>
    [Alias("GetIncidents"), ReadOnly]
    Task<IReadOnlyList<SharedIncident>> GetIncidentsAsync(Audience audience);
}
