namespace Collab.Realtime;

/// <summary>
/// What a stream grain pushes to a gateway: new events, already projected per audience.
/// <see cref="Source"/> is the internal stream key (e.g. <c>incident:{id}</c>, <c>citizen:{sub}</c>),
/// which may differ from the stream name clients see (<c>me</c>). <see cref="PublishedAt"/> is the
/// grain's clock when it published the batch (the start of the fan-out gateways measure).
/// </summary>
[GenerateSerializer, Immutable, Alias("collab.StreamBatch")]
public sealed record StreamBatch(
    [property: Id(0)] string Source,
    [property: Id(1)] IReadOnlyList<AudienceEvent> Events,
    [property: Id(2)] StreamHead Head,
    [property: Id(3)] DateTimeOffset PublishedAt = default);
