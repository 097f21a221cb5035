using System.Collections.Concurrent;
using Collab.Common;
using Collab.Gateway.Wire;
using Collab.Realtime;

namespace Collab.Gateway.Realtime;

/// <summary>
/// One stream this gateway follows for its local subscribers. Every change to it (subscribe,
/// unsubscribe, delivery, repair) happens under <see cref="Gate"/>, so each group receives the
/// stream's events exactly once and in order, and a subscriber's replay meets live delivery
/// without gap or duplicate.
/// </summary>
internal sealed class LiveStream(StreamRoute route)
{
    private int _draining;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Batches the stream's grain pushed, in arrival order, waiting for delivery by one drainer at a time.</summary>
    public ConcurrentQueue<StreamBatch> Inbox { get; } = new();

    /// <summary>True when the caller is now the stream's one drainer.</summary>
    public bool TryStartDraining() => Interlocked.CompareExchange(ref _draining, 1, 0) == 0;

    public void StopDraining() => Volatile.Write(ref _draining, 0);

    /// <summary>Any route to this stream: the grain and names are the same whoever subscribed first.</summary>
    public StreamRoute Route { get; } = route;

    /// <summary>True once removed from the registry; a subscriber that finds it closed starts over.</summary>
    public bool Closed { get; set; }

    public bool Registered { get; set; }

    /// <summary>True while renewal has found the gate held (logged once, until a renewal gets through); touched only by renewal.</summary>
    public bool RenewalHeldUp { get; set; }

    /// <summary>Per audience: the last sequence number sent to its groups (absent: nobody here reads that audience).</summary>
    public Dictionary<Audience, long> Delivered { get; } = [];

    /// <summary>Members per (audience, language) group.</summary>
    public Dictionary<(Audience Audience, string Language), HashSet<string>> Groups { get; } = [];

    public bool IsEmpty => Groups.Count == 0;

    public IEnumerable<string> LanguagesOf(Audience audience) =>
        Groups.Keys.Where(k => k.Audience == audience).Select(k => k.Language);

    public void Add(Audience audience, string language, string connectionId)
    {
        if (!Groups.TryGetValue((audience, language), out var members))
        {
            Groups[(audience, language)] = members = [];
        }

        members.Add(connectionId);
    }

    public void Remove(Audience audience, string language, string connectionId)
    {
        if (Groups.TryGetValue((audience, language), out var members) && members.Remove(connectionId) && members.Count == 0)
        {
            Groups.Remove((audience, language));
            if (!Groups.Keys.Any(k => k.Audience == audience))
            {
                Delivered.Remove(audience);
            }
        }
    }

    public string GroupName(Audience audience, string language) =>
        $"{Route.GroupKey}|{WireFormat.Name(audience)}|{language}";
}
