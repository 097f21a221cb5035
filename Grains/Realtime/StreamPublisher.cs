using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Collab.Realtime;

/// <summary>
/// The gateways following one stream: one observer per gateway, expiring unless renewed.
/// Pushes are one-way and best effort; the timeline is the truth.
/// </summary>
internal sealed class StreamPublisher(TimeSpan expiry, ILogger logger)
{
    private readonly ObserverManager<IStreamObserver> _observers = new(expiry, logger);

    public int Count => _observers.Count;

    public void Subscribe(IStreamObserver observer) => _observers.Subscribe(observer, observer);

    public void Unsubscribe(IStreamObserver observer) => _observers.Unsubscribe(observer);

    public void Publish(StreamBatch batch)
    {
        if (batch.Events.Count == 0 || _observers.Count == 0)
        {
            return;
        }

        _observers.Notify(o => o.OnEventsAsync(batch));
    }
}
