using Collab.Common;

namespace Collab.Realtime;

/// <summary>
/// One stored event of a stream, unredacted. <see cref="Visibility"/> is the narrowest audience
/// that may see it. The three sequence numbers are each audience's head after this entry, so they
/// never decrease along the timeline and a reader can binary-search them.
/// </summary>
[GenerateSerializer, Alias("collab.state.TimelineEntry`1")]
internal sealed class TimelineEntry<TPayload>
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Type { get; set; } = "";
    [Id(2)] public DateTimeOffset OccurredAt { get; set; }
    [Id(3)] public Actor Actor { get; set; } = null!;
    [Id(4)] public Audience Visibility { get; set; }
    [Id(5)] public long SeqPublic { get; set; }
    [Id(6)] public long SeqCouncil { get; set; }
    [Id(7)] public long SeqPolice { get; set; }
    [Id(8)] public TPayload Payload { get; set; } = default!;

    /// <summary>
    /// An entry read back from the event log: the row holds its id, type, time and total (police)
    /// sequence; the payload the owning grain wrote holds the rest.
    /// </summary>
    public static TimelineEntry<TPayload> FromLog(LoggedEvent row, Actor actor, Audience visibility, long seqPublic, long seqCouncil, TPayload payload) => new()
    {
        Id = row.EventId,
        Type = row.Type,
        OccurredAt = row.OccurredAt,
        Actor = actor,
        Visibility = visibility,
        SeqPublic = seqPublic,
        SeqCouncil = seqCouncil,
        SeqPolice = row.Seq,
        Payload = payload,
    };

    public bool IsVisibleTo(Audience audience) => audience >= Visibility;

    public long SeqFor(Audience audience) => audience switch
    {
        Audience.Police => SeqPolice,
        Audience.Council => SeqCouncil,
        _ => SeqPublic,
    };
}
