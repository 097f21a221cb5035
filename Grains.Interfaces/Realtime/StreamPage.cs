namespace Collab.Realtime;

/// <summary>
/// A slice of one audience's view of a stream.
/// </summary>
/// <param name="Found">False when the stream's subject does not exist (e.g. no such incident).</param>
/// <param name="Events">Events after the requested sequence number, in order.</param>
/// <param name="Head">The audience's last sequence number.</param>
/// <param name="Truncated">True when events after the requested number are no longer retained: the reader must re-read the snapshot.</param>
[GenerateSerializer, Immutable, Alias("collab.StreamPage")]
public sealed record StreamPage(
    [property: Id(0)] bool Found,
    [property: Id(1)] IReadOnlyList<StreamEvent> Events,
    [property: Id(2)] long Head,
    [property: Id(3)] bool Truncated)
{
    public static readonly StreamPage NotFound = new(false, [], 0, false);
}
