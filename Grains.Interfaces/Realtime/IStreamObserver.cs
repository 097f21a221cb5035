namespace Collab.Realtime;

/// <summary>
/// Implemented by each gateway, once: the grain calls it once per gateway, never once per connection.
/// Delivery is best effort; gateways repair gaps by reading the stream.
/// </summary>
[Alias("collab.IStreamObserver")]
public interface IStreamObserver : IGrainObserver
{
    /// <summary>New events of the stream named by <see cref="StreamBatch.Source"/>.</summary>
    [OneWay, Alias("OnEvents")]
    Task OnEventsAsync(StreamBatch batch);
}
