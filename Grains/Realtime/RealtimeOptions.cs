using System.ComponentModel.DataAnnotations;

namespace Collab.Realtime;

/// <summary>Silo-side settings of the push path (<c>Collab:Realtime</c>).</summary>
public sealed class RealtimeOptions
{
    /// <summary>How long a gateway's observer registration lives without renewal.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Events an incident keeps in its snapshot. Older ones stay in the PostgreSQL event log and
    /// are replayed from there; in memory mode they are gone and a reader is told to resync.
    /// </summary>
    [Range(10, 1_000_000)]
    public int IncidentTimelineCapacity { get; set; } = 5_000;
}
