namespace Collab.Realtime;

/// <summary>
/// One event of a stream, as one audience sees it. <see cref="Seq"/> is contiguous for that
/// audience; <see cref="Id"/> is the same in every audience's view and globally unique.
/// <see cref="Exercise"/> names the training exercise the stream belongs to (null when real).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.StreamEvent")]
public sealed record StreamEvent(
    [property: Id(0)] string Stream,
    [property: Id(1)] long Seq,
    [property: Id(2)] string Id,
    [property: Id(3)] string Type,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] EventActor Actor,
    [property: Id(6)] EventData Data,
    [property: Id(7)] string? Exercise = null);
