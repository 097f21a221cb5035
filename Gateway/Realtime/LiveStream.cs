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

    /// <summary>
    /// How long a batch that arrived ahead of a missing one waits for it before the hole is read
    /// from the grain. Generous: a one-way call can sit behind newer work on a busy thread, and
    /// under load the hole may by then be older than the grain keeps (a Resync for everyone);
    /// only a batch really lost (a full inbox, a failed call) waits this long.
    /// </summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(1);

    /// <summary>The most batches held at once; past that a batch ahead is delivered at once, its hole repaired.</summary>
    private const int MaxHeld = 1_000;

    /// <summary>Batches that arrived ahead of one still missing, oldest first (by the head they were published at). Under the gate.</summary>
    private readonly List<StreamBatch> _held = [];

    private bool _flushScheduled;

    /// <summary>
    /// True when the batch's first new event for some audience read here lies beyond the next one
    /// expected: an earlier batch has not been delivered yet.
    /// </summary>
    public bool IsAhead(StreamBatch batch)
    {
        var seen = 0;
        foreach (var item in batch.Events)
        {
            var bit = 1 << (int)item.Audience;
            if ((seen & bit) != 0 || !Delivered.TryGetValue(item.Audience, out var delivered) || item.Event.Seq <= delivered)
            {
                continue;
            }

            if (item.Event.Seq > delivered + 1)
            {
                return true;
            }

            seen |= bit;
        }

        return false;
    }

    /// <summary>Holds a batch that came ahead; false when too many are held already.</summary>
    public bool TryHold(StreamBatch batch)
    {
        if (_held.Count >= MaxHeld)
        {
            return false;
        }

        var at = _held.FindLastIndex(b => b.Head.Police <= batch.Head.Police) + 1;
        _held.Insert(at, batch);
        return true;
    }

    /// <summary>True while batches are held. Under the gate.</summary>
    public bool HasHeld => _held.Count > 0;

    /// <summary>True when the caller is to schedule the one flush of what is held now.</summary>
    public bool TryScheduleFlush()
    {
        if (_flushScheduled)
        {
            return false;
        }

        _flushScheduled = true;
        return true;
    }

    /// <summary>The oldest held batch that is no longer ahead (what was delivered caught up with it), removed; null when none.</summary>
    public StreamBatch? TakeNextHeld()
    {
        for (var i = 0; i < _held.Count; i++)
        {
            if (!IsAhead(_held[i]))
            {
                var next = _held[i];
                _held.RemoveAt(i);
                return next;
            }
        }

        return null;
    }

    /// <summary>Every held batch, oldest first, removed; the next batch ahead schedules a new flush.</summary>
    public List<StreamBatch> TakeAllHeld()
    {
        var all = _held.ToList();
        _held.Clear();
        _flushScheduled = false;
        return all;
    }

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
