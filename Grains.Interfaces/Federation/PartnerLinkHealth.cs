namespace Collab.Federation;

/// <summary>
/// The health of the outbound link to one partner: the outbox's last seq, what the partner has
/// confirmed applying, the lag between them, when the oldest undelivered event was recorded, the
/// last success and the last error, and the link's circuit.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.PartnerLinkHealth")]
public sealed record PartnerLinkHealth(
    [property: Id(0)] string CityId,
    [property: Id(1)] long Head,
    [property: Id(2)] long DeliveredThrough,
    [property: Id(3)] DateTimeOffset? LastSuccessAt,
    [property: Id(4)] string? LastError,
    [property: Id(5)] DateTimeOffset? LastErrorAt,
    [property: Id(6)] DateTimeOffset? OldestUndeliveredAt = null,
    [property: Id(7)] LinkCircuit Circuit = LinkCircuit.Closed)
{
    public long Lag => Math.Max(0, Head - DeliveredThrough);
}

/// <summary>
/// The outbound link's circuit, as its delivery sees it: <see cref="Closed"/> while the partner
/// answers; <see cref="Open"/> after a failed attempt, while the link waits out its backoff;
/// <see cref="HalfOpen"/> once the backoff is over and the next attempt is a probe.
/// </summary>
public enum LinkCircuit
{
    Closed,
    Open,
    HalfOpen,
}
