namespace Collab.Alerts;

/// <summary>
/// A neighbourhood alert as issued. <see cref="Severity"/>, <see cref="Urgency"/> and
/// <see cref="Certainty"/> use CAP 1.2's values (e.g. <c>Severe</c>, <c>Immediate</c>, <c>Likely</c>).
/// <see cref="Texts"/> holds one entry per language, the original included.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.AlertView")]
public sealed record AlertView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Neighbourhood,
    [property: Id(2)] string Language,
    [property: Id(3)] string Severity,
    [property: Id(4)] string Urgency,
    [property: Id(5)] string Certainty,
    [property: Id(6)] DateTimeOffset Sent,
    [property: Id(7)] DateTimeOffset? Expires,
    [property: Id(8)] IReadOnlyDictionary<string, AlertText> Texts,
    [property: Id(9)] Collab.Common.ActorRole SenderRole,
    [property: Id(10)] string CityId,
    [property: Id(11)] string? Exercise = null);
