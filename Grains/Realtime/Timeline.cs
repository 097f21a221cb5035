using Collab.Common;

namespace Collab.Realtime;

/// <summary>
/// A stream's bounded history with per-audience sequence numbers. Part of a grain's persisted
/// state; the oldest entries are dropped past <c>capacity</c>, and a reader asking for them is
/// told to re-read the snapshot.
/// </summary>
[GenerateSerializer, Alias("collab.state.Timeline`1")]
internal sealed class Timeline<TPayload>
{
    [Id(0)] public List<TimelineEntry<TPayload>> Entries { get; set; } = [];
    [Id(1)] public long HeadPublic { get; set; }
    [Id(2)] public long HeadCouncil { get; set; }
    [Id(3)] public long HeadPolice { get; set; }
    [Id(4)] public long DroppedPublic { get; set; }
    [Id(5)] public long DroppedCouncil { get; set; }
    [Id(6)] public long DroppedPolice { get; set; }

    public StreamHead Head => new(HeadPublic, HeadCouncil, HeadPolice);

    /// <summary>Appends an entry visible to <paramref name="visibility"/> and every wider audience.</summary>
    public TimelineEntry<TPayload> Append(string type, Actor actor, Audience visibility, TPayload payload, DateTimeOffset at, int capacity)
    {
        if (visibility <= Audience.Public) HeadPublic++;
        if (visibility <= Audience.Council) HeadCouncil++;
        HeadPolice++;
        var entry = new TimelineEntry<TPayload>
        {
            Id = RandomIds.New(),
            Type = type,
            OccurredAt = at,
            Actor = actor,
            Visibility = visibility,
            SeqPublic = HeadPublic,
            SeqCouncil = HeadCouncil,
            SeqPolice = HeadPolice,
            Payload = payload,
        };
        Add(entry, capacity);
        return entry;
    }

    /// <summary>
    /// Re-adds an entry read back from the event log, with its own id and sequence numbers. It must
    /// be the next one (police seq = head + 1): the log is contiguous, and a hole means a bug.
    /// </summary>
    public void Restore(TimelineEntry<TPayload> entry, int capacity)
    {
        if (entry.SeqPolice != HeadPolice + 1)
        {
            throw new InvalidOperationException($"Timeline at {HeadPolice} cannot take logged entry {entry.SeqPolice}.");
        }

        HeadPublic = entry.SeqPublic;
        HeadCouncil = entry.SeqCouncil;
        HeadPolice = entry.SeqPolice;
        Add(entry, capacity);
    }

    private void Add(TimelineEntry<TPayload> entry, int capacity)
    {
        Entries.Add(entry);
        if (Entries.Count > capacity)
        {
            var drop = Entries.Count - capacity;
            var last = Entries[drop - 1];
            DroppedPublic = last.SeqPublic;
            DroppedCouncil = last.SeqCouncil;
            DroppedPolice = last.SeqPolice;
            Entries.RemoveRange(0, drop);
        }
    }

    /// <summary>Forgets every entry but keeps the heads, so sequence numbers never go back.</summary>
    public void Clear()
    {
        Entries.Clear();
        DroppedPublic = HeadPublic;
        DroppedCouncil = HeadCouncil;
        DroppedPolice = HeadPolice;
    }

    /// <summary>The audience's view after <paramref name="afterSeq"/>, projected by <paramref name="project"/>.</summary>
    public StreamPage Read(Audience audience, long afterSeq, int max, Func<TimelineEntry<TPayload>, Audience, StreamEvent> project)
    {
        var head = Head.For(audience);
        var dropped = audience switch
        {
            Audience.Police => DroppedPolice,
            Audience.Council => DroppedCouncil,
            _ => DroppedPublic,
        };
        if (afterSeq < dropped)
        {
            return new StreamPage(true, [], head, Truncated: true);
        }

        var events = new List<StreamEvent>();
        for (var i = FirstAfter(audience, afterSeq); i < Entries.Count && events.Count < max; i++)
        {
            var entry = Entries[i];
            if (entry.IsVisibleTo(audience))
            {
                events.Add(project(entry, audience));
            }
        }

        return new StreamPage(true, events, head, Truncated: false);
    }

    private int FirstAfter(Audience audience, long afterSeq)
    {
        int lo = 0, hi = Entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Entries[mid].SeqFor(audience) <= afterSeq) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }
}
