using Collab.Common;

namespace Collab.Realtime;

/// <summary>An event as projected for one audience.</summary>
[GenerateSerializer, Immutable, Alias("collab.AudienceEvent")]
public sealed record AudienceEvent(
    [property: Id(0)] Audience Audience,
    [property: Id(1)] StreamEvent Event);
