using Collab.Common;
using Collab.Realtime;
using Collab.Research;

namespace Collab.Neighbourhoods;

/// <summary>
/// One neighbourhood of the city. Key: its slug. Keeps the active incidents, the counts per
/// category over the last 24 hours and an hourly history of reports and response times (for the
/// research aggregates), and emits <c>neighbourhood.incident_updated</c>.
/// </summary>
[Alias("collab.INeighbourhoodGrain")]
public interface INeighbourhoodGrain : IStreamGrain
{
    /// <summary>The audience's view; not-found for a slug that is not on the city map.</summary>
    [Alias("Get"), ReadOnly]
    Task<Outcome<NeighbourhoodView>> GetAsync(Audience audience);

    /// <summary>
    /// The hourly history (reports and response times per UTC hour and category) of the hours in
    /// [<paramref name="from"/>, <paramref name="to"/>), as far back as the neighbourhood keeps it;
    /// empty for a slug that is not on the city map. Raw counts: for the research aggregation only.
    /// </summary>
    [Alias("GetHistory"), ReadOnly]
    Task<IReadOnlyList<HourlyHistory>> GetHistoryAsync(DateTimeOffset from, DateTimeOffset to);

    /// <summary>One change; see <see cref="OnIncidentsChangedAsync"/>.</summary>
    [Alias("OnIncidentChanged"), AlwaysInterleave]
    Task OnIncidentChangedAsync(IncidentChange change);

    /// <summary>
    /// Called (through each silo's neighbourhood feed) after incidents stored changes. Ordered by
    /// each incident's version: an older or repeated version changes nothing. Returns once the
    /// changes are stored and pushed. Interleaves with itself so that changes arriving during a
    /// commit are stored together by the next one (group commit); the grain still commits one
    /// batch at a time and applies changes only inside a commit.
    /// </summary>
    [Alias("OnIncidentsChanged"), AlwaysInterleave]
    Task OnIncidentsChangedAsync(IReadOnlyList<IncidentChange> changes);
}
