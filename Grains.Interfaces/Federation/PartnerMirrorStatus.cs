namespace Collab.Federation;

/// <summary>
/// The inbound side of one partner: the partner's outbox epoch and the seq this city applied it
/// through, when a batch last added events, and the last read-back (backfill) with its error (null
/// when it succeeded).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.PartnerMirrorStatus")]
public sealed record PartnerMirrorStatus(
    [property: Id(0)] string CityId,
    [property: Id(1)] string? Epoch,
    [property: Id(2)] long AppliedThrough,
    [property: Id(3)] DateTimeOffset? LastAppliedAt,
    [property: Id(4)] DateTimeOffset? LastBackfillAt,
    [property: Id(5)] string? LastBackfillError);
