using Collab.Common;
using Collab.Realtime;

namespace Collab.Gateway.Realtime;

/// <summary>Delivery of what the stream grains push: one drainer per stream, in order, holding batches that came ahead of a missing one.</summary>
public sealed partial class LiveStreams
{
    private async Task DrainAsync(LiveStream live)
    {
        do
        {
            while (live.Inbox.TryDequeue(out var batch))
            {
                try
                {
                    await DeliverAsync(live, batch);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }

            live.StopDraining();
        }
        // A batch enqueued after the last dequeue and before the stop found the drainer running.
        while (!live.Inbox.IsEmpty && live.TryStartDraining());
    }

    /// <summary>
    /// Sends a batch's new events to the groups. Orleans does not keep one-way calls in order (a
    /// later batch often arrives just before an earlier one), so a batch that comes ahead of a
    /// missing one is held until that one arrives, and the batches it unblocks follow it at once.
    /// Only a hole still open after <see cref="LiveStream.HoldFor"/> (or once too many are held) is
    /// repaired by reading the grain.
    /// </summary>
    private async Task DeliverAsync(LiveStream live, StreamBatch batch)
    {
        await live.Gate.WaitAsync();
        try
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

                return;
            }

            await SendBatchAsync(live, batch);
            while (live.TakeNextHeld() is { } next)
            {
                await SendBatchAsync(live, next);
            }
        }
        catch (Exception ex)
        {
            // The timer's renewal repairs what this delivery could not.
            LogDeliveryFailed(logger, ex, live.Route.Name);
        }
        finally
        {
            live.Gate.Release();
        }
    }

    /// <summary>After <see cref="LiveStream.HoldFor"/>: the held batches go out in order, and the holes nobody filled are repaired from the grain.</summary>
    private async Task FlushHeldAsync(LiveStream live)
    {
        await Task.Delay(LiveStream.HoldFor);
        await live.Gate.WaitAsync();
        try
        {
            foreach (var held in live.TakeAllHeld())
            {
                if (!live.Closed)
                {
                    await SendBatchAsync(live, held);
                }
            }
        }
        catch (Exception ex)
        {
            LogDeliveryFailed(logger, ex, live.Route.Name);
        }
        finally
        {
            live.Gate.Release();
        }
    }

    /// <summary>
    /// Sends a batch's new events to the groups, repairing any gap first. Under the gate. Each
    /// audience's events go out as one run (one write per member); a gap first sends the run so
    /// far, then what the repair reads, so every member still sees its events in order.
    /// </summary>
    private async Task SendBatchAsync(LiveStream live, StreamBatch batch)
    {
        var sent = false;
        Dictionary<Audience, List<StreamEvent>>? runs = null;
        foreach (var item in batch.Events)
        {
            var audience = item.Audience;
            if (!live.Delivered.TryGetValue(audience, out var delivered))
            {
                continue;
            }

            var run = runs?.GetValueOrDefault(audience);
            var position = run is { Count: > 0 } ? run[^1].Seq : delivered;
            if (item.Event.Seq <= position)
            {
                continue;
            }

            if (item.Event.Seq > position + 1)
            {
                if (run is { Count: > 0 })
                {
                    _delivery.SendRun(live, audience, run);
                    run.Clear();
                }

                LogGap(logger, live.Route.Name, audience, position, item.Event.Seq);
                await _delivery.RepairAsync(live, audience, upTo: item.Event.Seq - 1);
                position = live.Delivered[audience];
            }

            if (item.Event.Seq == position + 1)
            {
                runs ??= [];
                if (run is null)
                {
                    runs[audience] = run = [];
                }

                run.Add(item.Event);
                sent = true;
            }
        }

        if (runs is not null)
        {
            foreach (var (audience, run) in runs)
            {
                _delivery.SendRun(live, audience, run);
            }
        }

        if (sent)
        {
            metrics.FannedOut(live.Route.Source, batch.PublishedAt);
        }
    }
}
