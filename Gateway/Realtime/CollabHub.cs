using System.Security.Claims;
using Collab.Gateway.Access;
using Collab.Gateway.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Collab.Gateway.Realtime;

/// <summary>
/// <c>/hubs/collab</c>: thin by design. Authorization of each stream is the router's; ordering,
/// replay and fan-out are <see cref="LiveStreams"/>'.
/// </summary>
[Authorize]
public sealed class CollabHub : Hub<ICollabClient>
{
    private readonly LiveStreams _streams;
    private readonly StreamRouter _router;
    private readonly RevocationList _revocations;

    public CollabHub(LiveStreams streams, StreamRouter router, RevocationList revocations)
    {
        _streams = streams;
        _router = router;
        _revocations = revocations;
    }

    public override Task OnConnectedAsync()
    {
        if (Context.User?.FindFirstValue("sub") is { } sub)
        {
            _revocations.Connected(sub, Context);
        }

        return base.OnConnectedAsync();
    }

    /// <summary>Replays the caller's view after <paramref name="afterSeq"/> (nothing when null), then goes live.</summary>
    public async Task<SubscribeResult> Subscribe(string stream, long? afterSeq)
    {
        var actor = Context.User?.ToActor() ?? throw new HubException("The token carries no usable identity.");
        var (route, error) = _router.Resolve(stream, actor);
        if (route is null)
        {
            throw new HubException(error);
        }

        if (afterSeq is < 0)
        {
            throw new HubException("'afterSeq' must not be negative.");
        }

        return await _streams.SubscribeAsync(Context.ConnectionId, route, actor.Language, afterSeq);
    }

    /// <summary>Stops the caller's subscription to <paramref name="stream"/>; unknown streams are ignored.</summary>
    public async Task Unsubscribe(string stream)
    {
        var actor = Context.User?.ToActor() ?? throw new HubException("The token carries no usable identity.");
        var (route, _) = _router.Resolve(stream, actor);
        if (route is not null)
        {
            await _streams.UnsubscribeAsync(Context.ConnectionId, route.Source);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.User?.FindFirstValue("sub") is { } sub)
        {
            _revocations.Disconnected(sub, Context.ConnectionId);
        }

        await _streams.DisconnectAsync(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }
}
