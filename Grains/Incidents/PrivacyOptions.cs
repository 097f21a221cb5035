using System.ComponentModel.DataAnnotations;

namespace Collab.Incidents;

/// <summary>How public views blur locations (<c>Collab:Privacy</c>).</summary>
public sealed class PrivacyOptions
{
    /// <summary>Grid size in degrees that public locations are snapped to (0.002° ≈ 200 m).</summary>
    [Range(0.0, 1.0)]
    public double PublicGridDegrees { get; set; } = 0.002;

    /// <summary>Coarser grid for sensitive categories (violence, suspicious situations).</summary>
    [Range(0.0, 1.0)]
    public double SensitiveGridDegrees { get; set; } = 0.01;
}
