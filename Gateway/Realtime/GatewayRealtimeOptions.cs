using System.ComponentModel.DataAnnotations;

namespace Collab.Gateway.Realtime;

/// <summary>Gateway side of the push path (<c>Collab:Realtime</c>).</summary>
public sealed class GatewayRealtimeOptions : IValidatableObject
{
    /// <summary>How often the gateway renews its observer on every followed stream and repairs gaps. Keep well under the silo's observer expiry.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ResubscribeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest replay sent on subscribe; past it the client is told to resync.</summary>
    [Range(1, 100_000)]
    public int MaxReplay { get; set; } = 5_000;

    /// <summary>Streams one hub connection may follow at once; past it <c>Subscribe</c> is refused (<c>too-many-subscriptions</c>).</summary>
    [Range(1, 100_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 100;

    /// <summary>
    /// How long a hub connection may leave a message it was sent untaken (its socket and buffers
    /// full: a client that stopped reading, or reads slower than its streams move). Past it the
    /// connection is cut off; its client reconnects and resumes from its last seq.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MaxConnectionLag { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Messages a hub connection may have waiting behind its full buffers before it is cut off, so
    /// a stalled connection holds a bounded amount of memory. Must exceed <see cref="MaxReplay"/>,
    /// which a subscribe may queue at once.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionBacklog { get; set; } = 10_000;

    /// <summary>
    /// Bytes a hub connection's outgoing pipe may hold before its writes wait (SignalR's
    /// <c>ApplicationMaxBufferSize</c>, 64 KB by default): what a connection that stopped reading
    /// parks on the server besides its queued messages, which <see cref="MaxConnectionBacklog"/> bounds.
    /// </summary>
    [Range(4 * 1024, 1024 * 1024)]
    public int MaxConnectionBufferBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// Batches this gateway may hold waiting for delivery, over all its streams, before it refuses
    /// new commands with <c>503</c> and <c>Retry-After</c> (admission control): past it the push path
    /// is behind, and accepting more would only turn into seconds of queueing for every subscriber.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxPushBacklog { get; set; } = 5_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxConnectionBacklog <= MaxReplay)
        {
            yield return new ValidationResult(
                $"MaxConnectionBacklog ({MaxConnectionBacklog}) must exceed MaxReplay ({MaxReplay}): a subscribe's replay is queued at once.",
                [nameof(MaxConnectionBacklog)]);
        }
    }
}
