namespace Collab.Federation;

/// <summary>
/// The health of the outbound link to one partner: the outbox's last seq, what the partner has
/// confirmed applying, the lag between them, the last success and the last error.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.PartnerLinkHealth")]
public sealed record PartnerLinkHealth(
    [property: Id(0)] string CityId,
    [property: Id(1)] long Head,
    [property: Id(2)] long DeliveredThrough,
    [property: Id(3)] DateTimeOffset? LastSuccessAt,
    [property: Id(4)] string? LastError,
    [property: Id(5)] DateTimeOffset? LastErrorAt)
{
    public long Lag => Math.Max(0, Head - DeliveredThrough);
}
