using System.ComponentModel.DataAnnotations;

namespace Collab.Incidents;

/// <summary>Community moderation (<c>Collab:Moderation</c>).</summary>
public sealed class ModerationOptions
{
    /// <summary>Distinct citizens whose flags hide a public note pending review.</summary>
    [Range(1, 100)]
    public int FlagThreshold { get; set; } = 3;
}
