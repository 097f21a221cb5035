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

    /// <summary>A new set of events accepted for the groups and not yet written (<see cref="Outgoing"/>).</summary>
    public Outgoing Begin() => new(lifetime);

    /// <summary>
    /// Accepts the audience's next event for each of its groups (mapped and translated once per
    /// group) and moves the audience's position: the event is written when <paramref name="outgoing"/>
    /// is flushed, which the caller does before it lets go of the stream's gate.
    /// </summary>
    public void Accept(LiveStream live, Audience audience, StreamEvent e, Outgoing outgoing)
    {
        foreach (var language in live.LanguagesOf(audience))
        {
            outgoing.Add(live.GroupName(audience, language), new InvocationMessage(nameof(ICollabClient.Event), [EnvelopeMapper.Map(e, language, texts)]));
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
        // A page's events go out as runs, like live ones; each page is written before the next read.
        var outgoing = Begin();
        try
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
                    Accept(live, audience, e, outgoing);
                    sent = true;
                }

                outgoing.Flush();
                if (!sent) return;
            }
        }
        finally
        {
            // What was accepted is written even when the page ended early or a read failed.
            outgoing.Flush();
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

/// <summary>
/// Events accepted for a stream's groups under its gate and not yet written: per group, the
/// messages in order. <see cref="Flush"/> writes each group's run as one write per member
/// (<see cref="CollabHubLifetimeManager.SendGroupInOrder"/>), so the events of one batch, or of the
/// batches that queued up while the gateway was busy, reach each subscriber in one socket send
/// instead of one per event. A run is written on its own once it holds <see cref="MaxRun"/>.
/// Writes start under the gate, which fixes each member's order (a connection's writes queue in the
/// order they start), and never wait for a member (<see cref="CollabHubLifetimeManager"/>): a
/// client that stopped reading holds up neither the stream nor its other subscribers.
/// </summary>
internal sealed class Outgoing(CollabHubLifetimeManager lifetime)
{
    /// <summary>Messages in one group's write at most.</summary>
    public const int MaxRun = 128;

    private readonly List<(string Group, List<HubMessage> Messages)> _runs = [];

    public void Add(string group, HubMessage message)
    {
        var index = 0;
        while (index < _runs.Count && !string.Equals(_runs[index].Group, group, StringComparison.Ordinal))
        {
            index++;
        }

        if (index == _runs.Count)
        {
            _runs.Add((group, []));
        }

        var messages = _runs[index].Messages;
        messages.Add(message);
        if (messages.Count >= MaxRun)
        {
            lifetime.SendGroupInOrder(group, messages);
            messages.Clear();
        }
    }

    /// <summary>Writes what was accepted, each group's run in one write per member; the groups are disjoint, so their order does not matter.</summary>
    public void Flush()
    {
        foreach (var (group, messages) in _runs)
        {
            if (messages.Count > 0)
            {
                lifetime.SendGroupInOrder(group, messages);
            }
        }

        _runs.Clear();
    }
}
