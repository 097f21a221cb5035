using Collab.Common;
using Collab.Realtime;

namespace Collab.Neighbourhoods;

/// <summary>
/// One neighbourhood of the city. Key: its slug. Keeps the active incidents and the counts per
/// category over the last 24 hours, and emits <c>neighbourhood.incident_updated</c>.
/// </summary>
[Alias("collab.INeighbourhoodGrain")]
public interface INeighbourhoodGrain : IStreamGrain
{
    /// <summary>The audience's view; not-found for a slug that is not on the city map.</summary>
    [Alias("Get"), ReadOnly]
    Task<Outcome<NeighbourhoodView>> GetAsync(Audience audience);

    /// <summary>
    /// Called by incident grains after each stored change. Idempotent on the event id and
    /// ordered by the incident's version: an older version never overwrites a newer one.
    /// Returns once the change is stored and pushed. Interleaves with itself so that changes
    /// arriving during a state write are stored together by the next one (group commit); the
    /// grain still writes one state at a time and applies changes only inside a commit.
    /// </summary>
    [Alias("OnIncidentChanged"), AlwaysInterleave]
    Task OnIncidentChangedAsync(IncidentChange change);
}
