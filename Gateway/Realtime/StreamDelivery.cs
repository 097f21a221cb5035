using Collab.Common;
using Collab.Gateway.Localization;
using Collab.Gateway.Operations;
using Collab.Gateway.Wire;
using Collab.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Realtime;

/// <summary>
/// What <see cref="LiveStreams"/> sends: a stream's next event to its groups, the events a gateway
/// missed read back from the stream grain (repair), and a subscriber's missed events to it alone
/// (replay). Every method runs under the stream's gate, which fixes the order each member sees.
/// </summary>
internal sealed class StreamDelivery(
    IHubContext<CollabHub, ICollabClient> hub,
    CollabHubLifetimeManager lifetime,
    IOptions<GatewayRealtimeOptions> options,
    CollabMetrics metrics,
    Translations texts)
{
    private const int PageSize = 1_000;

    /// <summary>
    /// Sends a run of one audience's consecutive events (the next after what it was delivered, in
    /// order) to each of its groups as one write per member (<see cref="CollabHubLifetimeManager.SendGroupInOrder"/>),
    /// and moves the audience's position to the last of them. A batch of a stream's events
    /// reaches each subscriber as one socket send, not one per event.
    /// </summary>
    public void SendRun(LiveStream live, Audience audience, IReadOnlyList<StreamEvent> run)
    {
        if (run.Count == 0)
        {
            return;
        }

        foreach (var language in live.LanguagesOf(audience))
        {
            var messages = new HubMessage[run.Count];
            for (var i = 0; i < run.Count; i++)
            {
                // Mapped (and translated) once per group; sent as the hub's Event method.
                messages[i] = new InvocationMessage(nameof(ICollabClient.Event), [EnvelopeMapper.Map(run[i], language, texts)]);
            }

            lifetime.SendGroupInOrder(live.GroupName(audience, language), messages);
            foreach (var e in run)
            {
                metrics.Delivered(live.Route.Source, audience, e.Exercise is not null);
            }
        }

        live.Delivered[audience] = run[^1].Seq;
    }

    /// <summary>Sends one event to each of the audience's groups (one per language) and moves the audience's position.</summary>
    public async Task SendAsync(LiveStream live, Audience audience, StreamEvent e)
    {
        foreach (var language in live.LanguagesOf(audience))
        {
            // Mapped (and translated) once per group.
            var envelope = EnvelopeMapper.Map(e, language, texts);
            // One message per group, serialized once per protocol for all members. The send starts
            // under the gate, which fixes each member's order (a connection's writes are queued in
            // the order they start), and completes at once: CollabHubLifetimeManager hands it to
            // each member's outbox and never waits for a member, so a client that stopped reading
            // holds up neither this stream nor its other subscribers; it is cut off instead.
            await hub.Clients.Group(live.GroupName(audience, language)).Event(envelope);
            metrics.Delivered(live.Route.Source, audience, e.Exercise is not null);
        }

        live.Delivered[audience] = e.Seq;
    }

    /// <summary>
    /// Reads the stream after what was delivered (up to <paramref name="upTo"/>, or its head when
    /// null) and sends it to the audience's groups; history the grain no longer has becomes a
    /// <c>Resync</c> for the groups, which then continue from the head.
    /// </summary>
    public async Task RepairAsync(LiveStream live, Audience audience, long? upTo)
    {
        while (upTo is null || live.Delivered[audience] < upTo)
        {
            var page = await live.Route.Grain.ReadAsync(audience, live.Delivered[audience], PageSize);
            if (page.Truncated)
            {
                foreach (var language in live.LanguagesOf(audience))
                {
                    await hub.Clients.Group(live.GroupName(audience, language)).Resync(new ResyncNotice(live.Route.Name, ResyncReasons.HistoryUnavailable));
                    metrics.Resynced(live.Route.Source, ResyncReasons.HistoryUnavailable);
                }

                live.Delivered[audience] = page.Head;
                return;
            }

            var sent = false;
            foreach (var e in page.Events)
            {
                if (upTo is { } limit && e.Seq > limit) return;
                if (e.Seq != live.Delivered[audience] + 1) continue;
                await SendAsync(live, audience, e);
                sent = true;
            }

            if (!sent) return;
        }
    }

    /// <summary>
    /// Sends one subscriber what it missed, from <paramref name="afterSeq"/> to what its group has
    /// been sent (<paramref name="current"/>), before it joins the group; a claim beyond the stream,
    /// or a gap longer than can be replayed, is a <c>Resync</c> instead. Returns the events replayed.
    /// </summary>
    public async Task<int> ReplayAsync(string connectionId, StreamRoute route, string language, long? afterSeq, long current)
    {
        var client = hub.Clients.Client(connectionId);
        if (afterSeq is { } claimed && claimed > current)
        {
            // The caller claims events this stream never had (its history was lost, e.g. a memory
            // store restarted, or the client is confused): the next live event would carry a number
            // it believes it has seen. Its copy is not this stream's; it must re-read the snapshot.
            await client.Resync(new ResyncNotice(route.Name, ResyncReasons.AheadOfStream));
            metrics.Resynced(route.Source, ResyncReasons.AheadOfStream);
            return 0;
        }

        if (afterSeq is not { } after || after >= current)
        {
            return 0;
        }

        var replayed = 0;
        var cursor = Math.Max(after, 0);
        while (cursor < current)
        {
            var page = await route.Grain.ReadAsync(route.Audience, cursor, PageSize);
            if (!page.Found)
            {
                throw new HubException("Unknown stream.");
            }

            if (page.Truncated || current - after > options.Value.MaxReplay)
            {
                await client.Resync(new ResyncNotice(route.Name, ResyncReasons.HistoryUnavailable));
                metrics.Resynced(route.Source, ResyncReasons.HistoryUnavailable);
                break;
            }

            var sent = false;
            foreach (var e in page.Events)
            {
                if (e.Seq > current) break;
                await client.Event(EnvelopeMapper.Map(e, language, texts));
                cursor = e.Seq;
                replayed++;
                sent = true;
            }

            if (!sent) break;
        }

        return replayed;
    }
}
