using Collab.Common;

namespace Collab.Federation;

/// <summary>
/// A batch of one origin's outbox for one partner (the body of <c>POST /federation/v1/events</c>):
/// at most 100 events with contiguous sequence numbers. <see cref="Epoch"/> names the outbox's
/// incarnation (a sender restarted on empty memory storage starts a new one at seq 1);
/// <see cref="RetainedFrom"/> is the oldest seq the sender can still serve; <see cref="Audience"/> is
/// the view the sender's policy shares (<see cref="Audience.Public"/> or <see cref="Audience.Council"/>);
/// <see cref="Head"/> is the outbox's last seq when the batch was made (null from senders that do not say),
/// so a receiver reading back (<c>GET /federation/v1/streams/{cityId}</c>) knows whether more follows.
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.FederatedBatch")]
public sealed record FederatedBatch(
    [property: Id(0)] string Origin,
    [property: Id(1)] string Epoch,
    [property: Id(2)] Audience Audience,
    [property: Id(3)] long RetainedFrom,
    [property: Id(4)] IReadOnlyList<FederatedEvent> Events,
    [property: Id(5)] long? Head = null);
