using System.ComponentModel.DataAnnotations;

namespace Collab.Gateway.Realtime;

/// <summary>Gateway side of the push path (<c>Collab:Realtime</c>).</summary>
public sealed class GatewayRealtimeOptions
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
}
