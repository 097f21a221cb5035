using System.ComponentModel.DataAnnotations;

namespace Collab.Realtime;

/// <summary>Silo-side settings of the push path (<c>Collab:Realtime</c>).</summary>
public sealed class RealtimeOptions
{
    /// <summary>How long a gateway's observer registration lives without renewal.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(2);
}
