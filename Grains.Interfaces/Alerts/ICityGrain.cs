using Collab.Realtime;

namespace Collab.Alerts;

/// <summary>
/// The <c>city</c> stream: alerts for the whole city. Key: <see cref="Key"/>. Alerts are rare,
/// so one grain per city is no hot spot.
/// </summary>
[Alias("collab.ICityGrain")]
public interface ICityGrain : IStreamGrain
{
    public const string Key = "city";

    /// <summary>Appends <c>alert.issued</c>; idempotent on the alert id.</summary>
    [Alias("OnAlertIssued")]
    Task OnAlertIssuedAsync(AlertView alert);
}
