using Collab.Common;
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

    private static readonly Audience[] Audiences = [Audience.Public, Audience.Council, Audience.Police];

    /// <summary>
    /// Publishes stored timeline entries, each projected once for every audience that may see it,
    /// in one batch per gateway.
    /// </summary>
    public void Publish<TPayload>(string source, IReadOnlyList<TimelineEntry<TPayload>> entries, StreamHead head,
        Func<TimelineEntry<TPayload>, Audience, long, StreamEvent> project)
    {
        if (_observers.Count == 0)
        {
            return;
        }

        var events = new List<AudienceEvent>(entries.Count * Audiences.Length);
        foreach (var entry in entries)
        {
            foreach (var audience in Audiences)
            {
                if (entry.IsVisibleTo(audience))
                {
                    events.Add(new AudienceEvent(audience, project(entry, audience, entry.SeqFor(audience))));
                }
            }
        }

        Publish(new StreamBatch(source, events, head));
    }

    public void Publish(StreamBatch batch)
    {
        if (batch.Events.Count == 0 || _observers.Count == 0)
        {
            return;
        }

        _observers.Notify(o => o.OnEventsAsync(batch));
    }
}
