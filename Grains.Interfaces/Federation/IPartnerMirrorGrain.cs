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

    /// <summary>
    /// One incident the partner shared, active or not (the mirror keeps the most recently updated,
    /// <c>Collab:Federation:MirrorCapacity</c>), if <paramref name="audience"/> may see it; else null.
    /// </summary>
    [Alias("GetIncident"), ReadOnly]
    Task<SharedIncident?> GetIncidentAsync(string id, Audience audience);

    /// <summary>The partner's currently shared (active) incidents as <paramref name="audience"/> may see them (none for the public where the partner shares with authorities only).</summary>
    [Alias("GetIncidents"), ReadOnly]
    Task<IReadOnlyList<SharedIncident>> GetIncidentsAsync(Audience audience);

    /// <summary>
    /// Starts a backfill from the partner (<c>GET /federation/v1/streams/{cityId}</c>, signed) unless
    /// one runs, and keeps a reminder that probes the partner periodically: a mirror that restarted
    /// empty, or missed events, repairs itself without waiting for the partner's next change.
    /// </summary>
    [Alias("Sync")]
    Task SyncAsync();

    /// <summary>How far this city has applied the partner's outbox, and the last read-back.</summary>
    [Alias("GetStatus"), ReadOnly]
    Task<PartnerMirrorStatus> GetStatusAsync();
}
