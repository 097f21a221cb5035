namespace Collab.Federation;

/// <summary>
/// What a partner mirror did with a batch. <see cref="Accepted"/> false: the batch does not continue
/// from <see cref="AppliedThrough"/> (a gap, or a new epoch not starting where it can), so the sender
/// resumes after <see cref="AppliedThrough"/>. <see cref="Applied"/> counts the events applied now
/// (0 for a duplicate).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.InboundResult")]
public sealed record InboundResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] long AppliedThrough,
    [property: Id(2)] int Applied);
