namespace Collab.Incidents;

/// <summary>
/// The reporter's identity: only ever returned to police through an audited reveal. After the
/// reporter erased their data, <see cref="Erased"/> is true and the rest is anonymous.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.ReporterView")]
public sealed record ReporterView(
    [property: Id(0)] string? UserId,
    [property: Id(1)] string? Name,
    [property: Id(2)] bool Erased = false);
