using Collab.Common;

namespace Collab.Realtime;

/// <summary>A grain that owns an event stream which gateways follow.</summary>
[Alias("collab.IStreamGrain")]
public interface IStreamGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers (or renews) a gateway's observer. Registrations expire; gateways renew them on a
    /// timer. Returns the stream's head so the gateway can detect what it missed.
    /// </summary>
    [Alias("Subscribe")]
    Task<StreamHead> SubscribeAsync(IStreamObserver observer);

    /// <summary>
    /// As <see cref="SubscribeAsync"/>, for <paramref name="audiences"/> only: the batches this
    /// observer is sent carry those audiences' views of each event and no others. A gateway follows
    /// the audiences its subscribers read (often citizens alone), and neither the grain projects nor
    /// the gateway receives views nobody there reads. Renewing with other audiences replaces them.
    /// </summary>
    [Alias("Follow")]
    Task<StreamHead> FollowAsync(IStreamObserver observer, IReadOnlyList<Audience> audiences);

    /// <summary>Removes a gateway's observer.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IStreamObserver observer);

    /// <summary>
    /// Reads an audience's view after <paramref name="afterSeq"/>, in order, at most
    /// <paramref name="max"/> events.
    /// </summary>
    [Alias("Read"), ReadOnly]
    Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max);
}
