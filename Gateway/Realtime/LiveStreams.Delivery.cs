using Collab.Common;
using Collab.Realtime;

namespace Collab.Gateway.Realtime;

/// <summary>Delivery of what the stream grains push: one drainer per stream, in order, holding batches that came ahead of a missing one.</summary>
public sealed partial class LiveStreams
{
    /// <summary>Batches delivered under one hold of a stream's gate at most (when that many queued up).</summary>
    private const int MaxBatchesPerDelivery = 64;

    private async Task DrainAsync(LiveStream live)
    {
        var batches = new List<StreamBatch>();
        do
        {
            while (live.Inbox.TryDequeue(out var first))
            {
                // What queued up while the last delivery ran goes out together: one write per member.
                batches.Add(first);
                while (batches.Count < MaxBatchesPerDelivery && live.Inbox.TryDequeue(out var next))
                {
                    batches.Add(next);
                }

                try
                {
                    await DeliverAsync(live, batches);
                }
                finally
                {
                    Interlocked.Add(ref _pending, -batches.Count);
                    batches.Clear();
                }
            }

            live.StopDraining();
        }
        // A batch enqueued after the last dequeue and before the stop found the drainer running.
        while (!live.Inbox.IsEmpty && live.TryStartDraining());
    }

    /// <summary>
    /// Sends batches' new events to the groups. Orleans does not keep one-way calls in order (a
    /// later batch often arrives just before an earlier one), so a batch that comes ahead of a
    /// missing one is held until that one arrives, and the batches it unblocks follow it at once.
    /// Only a hole still open after <see cref="LiveStream.HoldFor"/> (or once too many are held) is
    /// repaired by reading the grain. What the batches carry is written before the gate is let go,
    /// each group's events in one write per member.
    /// </summary>
    private async Task DeliverAsync(LiveStream live, List<StreamBatch> batches)
    {
        await live.Gate.WaitAsync();
        var outgoing = _delivery.Begin();
        try
        {
            foreach (var batch in batches)
            {
                if (live.Closed)
                {
                    return;
                }

                if (live.IsAhead(batch) && live.TryHold(batch))
                {
                    if (live.TryScheduleFlush())
                    {
                        _ = FlushHeldAsync(live);
                    }

                    continue;
                }

                await SendBatchAsync(live, batch, outgoing);
                while (live.TakeNextHeld() is { } next)
                {
                    await SendBatchAsync(live, next, outgoing);
                }
            }
        }
        catch (Exception ex)
        {
            // The timer's renewal repairs what this delivery could not.
            LogDeliveryFailed(logger, ex, live.Route.Name);
        }
        finally
        {
            Flush(live, outgoing);
            live.Gate.Release();
        }
    }

    /// <summary>After <see cref="LiveStream.HoldFor"/>: the held batches go out in order, and the holes nobody filled are repaired from the grain.</summary>
    private async Task FlushHeldAsync(LiveStream live)
    {
        await Task.Delay(LiveStream.HoldFor);
        await live.Gate.WaitAsync();
        var outgoing = _delivery.Begin();
        try
        {
            foreach (var held in live.TakeAllHeld())
            {
                if (!live.Closed)
                {
                    await SendBatchAsync(live, held, outgoing);
                }
            }
        }
        catch (Exception ex)
        {
            LogDeliveryFailed(logger, ex, live.Route.Name);
        }
        finally
        {
            Flush(live, outgoing);
            live.Gate.Release();
        }
    }

    /// <summary>Writes what was accepted; under the gate, before it is let go.</summary>
    private void Flush(LiveStream live, Outgoing outgoing)
    {
        try
        {
            outgoing.Flush();
        }
        catch (Exception ex)
        {
            LogDeliveryFailed(logger, ex, live.Route.Name);
        }
    }

    /// <summary>
    /// Accepts a batch's new events for the groups (<see cref="StreamDelivery.Accept"/>), repairing
    /// any gap first: what was accepted so far is written before the repair sends what it reads,
    /// so every member still sees its events in order. Under the gate.
    /// </summary>
    private async Task SendBatchAsync(LiveStream live, StreamBatch batch, Outgoing outgoing)
    {
        var sent = false;
        foreach (var item in batch.Events)
        {
            var audience = item.Audience;
            if (!live.Delivered.TryGetValue(audience, out var delivered) || item.Event.Seq <= delivered)
            {
                continue;
            }

            if (item.Event.Seq > delivered + 1)
            {
                outgoing.Flush();
                LogGap(logger, live.Route.Name, audience, delivered, item.Event.Seq);
                await _delivery.RepairAsync(live, audience, upTo: item.Event.Seq - 1);
            }

            if (item.Event.Seq == live.Delivered[audience] + 1)
            {
                _delivery.Accept(live, audience, item.Event, outgoing);
                sent = true;
            }
        }

        if (sent)
        {
            metrics.FannedOut(live.Route.Source, batch.PublishedAt);
        }
    }
}
