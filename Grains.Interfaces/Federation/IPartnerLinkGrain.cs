namespace Collab.Federation;

/// <summary>
/// The outbound link to one partner city: its outbox and its delivery. Key: the partner's city id
/// (as configured under <c>Collab:Federation:Partners</c>). Events get contiguous sequence numbers
/// per partner and are delivered in order, one batch in flight, at least once; the partner
/// de-duplicates by sequence number.
/// </summary>
[Alias("collab.IPartnerLinkGrain")]
public interface IPartnerLinkGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records shared changes in the outbox, stored before the call returns. A change whose origin
    /// event id is still in the outbox is recorded once (an incident re-offering after a failure).
    /// </summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(IReadOnlyList<SharedChange> changes);

    /// <summary>The link's health: head, what the partner confirmed, last success and error.</summary>
    [Alias("GetHealth"), ReadOnly]
    Task<PartnerLinkHealth> GetHealthAsync();

    /// <summary>
    /// Up to <paramref name="max"/> outbox events after <paramref name="afterSeq"/>, as the partner
    /// receives them in batches (its backfill, <c>GET /federation/v1/streams/{cityId}</c>): from the
    /// oldest still kept when <paramref name="afterSeq"/> is older, with the outbox's epoch and head.
    /// </summary>
    [Alias("Read"), ReadOnly]
    Task<FederatedBatch> ReadAsync(long afterSeq, int max);
}
