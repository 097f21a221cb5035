using Collab.Common;
using Collab.Gateway.Realtime;
using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Tests.Gateway;

/// <summary>
/// Orleans does not keep one-way calls in order, so a stream's batches may reach the gateway
/// swapped: <see cref="LiveStream"/> holds a batch that came ahead of a missing one, and gives it
/// back once what was delivered caught up with it, oldest first.
/// </summary>
public sealed class LiveStreamOrderTests
{
    [Fact]
    public void BatchesThatCameAheadAreHeldAndComeBackInOrderOnceTheHoleIsFilled()
    {
        var live = NewStream();
        live.Delivered[Audience.Public] = 0;
        live.Delivered[Audience.Police] = 0;
        var first = Batch(1, 1);
        var second = Batch(2, 3);
        var third = Batch(4, 4);

        // The third and the second arrive before the first.
        Assert.True(live.IsAhead(third));
        Assert.True(live.TryHold(third));
        Assert.True(live.TryScheduleFlush());
        Assert.True(live.IsAhead(second));
        Assert.True(live.TryHold(second));
        Assert.False(live.TryScheduleFlush());
        Assert.Null(live.TakeNextHeld());

        // The first is next: not ahead; once delivered, the held ones follow, oldest first.
        Assert.False(live.IsAhead(first));
        Deliver(live, first);
        Assert.Same(second, live.TakeNextHeld());
        Deliver(live, second);
        Assert.Same(third, live.TakeNextHeld());
        Deliver(live, third);
        Assert.Null(live.TakeNextHeld());
        Assert.Equal(4, live.Delivered[Audience.Public]);
    }

    [Fact]
    public void AFlushGivesBackEveryHeldBatchOldestFirstAndAllowsTheNextFlush()
    {
        var live = NewStream();
        live.Delivered[Audience.Public] = 0;
        var late = Batch(7, 7);
        var early = Batch(3, 5);
        Assert.True(live.TryHold(late));
        Assert.True(live.TryHold(early));
        Assert.True(live.TryScheduleFlush());

        Assert.Equal([early, late], live.TakeAllHeld());
        Assert.Empty(live.TakeAllHeld());
        Assert.True(live.TryScheduleFlush());
    }

    [Fact]
    public void ABatchDeliveredAlreadyOrOfAnAudienceNobodyReadsHereIsNotAhead()
    {
        var live = NewStream();
        live.Delivered[Audience.Public] = 5;
        Assert.False(live.IsAhead(Batch(2, 4)));
        Assert.True(live.IsAhead(Batch(7, 8)));

        // Only police read here: a public seq far ahead does not count.
        var police = NewStream();
        police.Delivered[Audience.Police] = 5;
        var batch = new StreamBatch("neighbourhood:centrum", [Event(Audience.Public, 40), Event(Audience.Police, 6)], new StreamHead(40, 40, 6));
        Assert.False(police.IsAhead(batch));
    }

    private static LiveStream NewStream()
    {
        Assert.True(StreamNames.TryParse("neighbourhood:centrum", out var name));
        return new LiveStream(new StreamRoute("neighbourhood:centrum", name, null!, Audience.Public, "neighbourhood:centrum"));
    }

    /// <summary>Events <paramref name="from"/> to <paramref name="to"/> for the public and the police, as a stream grain publishes them.</summary>
    private static StreamBatch Batch(long from, long to)
    {
        var events = new List<AudienceEvent>();
        for (var seq = from; seq <= to; seq++)
        {
            events.Add(Event(Audience.Public, seq));
            events.Add(Event(Audience.Police, seq));
        }

        return new StreamBatch("neighbourhood:centrum", events, new StreamHead(to, to, to));
    }

    private static AudienceEvent Event(Audience audience, long seq) =>
        new(audience, new StreamEvent("neighbourhood:centrum", seq, $"e{seq}", "incident.assigned", DateTimeOffset.UnixEpoch,
            new EventActor(ActorRole.Police, null), new AssignedData("i", null)));

    /// <summary>What delivery does to the positions: every audience read here moves to the batch's last event.</summary>
    private static void Deliver(LiveStream live, StreamBatch batch)
    {
        foreach (var item in batch.Events)
        {
            if (live.Delivered.TryGetValue(item.Audience, out var delivered) && item.Event.Seq == delivered + 1)
            {
                live.Delivered[item.Audience] = item.Event.Seq;
            }
        }
    }
}
