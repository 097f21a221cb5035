namespace Collab.Incidents;

/// <summary>
/// Whether incidents exist, answered without activating them: gateways ask before they call an
/// <see cref="IIncidentGrain"/> for an id a client named, so an unknown id costs a storage read
/// (nothing at all once an id is known to exist) instead of an activation. Stateless: any silo
/// answers; the key is always 0.
/// </summary>
[Alias("collab.IIncidentDirectory")]
public interface IIncidentDirectory : IGrainWithIntegerKey
{
    /// <summary>The most ids one call may ask about.</summary>
    public const int MaxIds = 100;

    /// <summary>
    /// For each id (an incident id in "D" format), in order, whether the incident was reported.
    /// An incident is stored before its report is acknowledged, so every id a client was given
    /// answers true. More than <see cref="MaxIds"/> ids is an <see cref="ArgumentException"/>.
    /// </summary>
    [Alias("Exists"), ReadOnly]
    Task<IReadOnlyList<bool>> ExistsAsync(IReadOnlyList<string> incidentIds);
}
