using Collab.Common;

namespace Collab.Realtime;

/// <summary>The last sequence number of a stream in each audience's view.</summary>
[GenerateSerializer, Immutable, Alias("collab.StreamHead")]
public sealed record StreamHead(
    [property: Id(0)] long Public,
    [property: Id(1)] long Council,
    [property: Id(2)] long Police)
{
    public long For(Audience audience) => audience switch
    {
        Audience.Police => Police,
        Audience.Council => Council,
        _ => Public,
    };
}
