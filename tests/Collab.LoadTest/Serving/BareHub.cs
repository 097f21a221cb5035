using Collab.Gateway.Realtime;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.SignalR;

namespace Collab.LoadTest.Serving;

/// <summary>
/// Every connection joins the one group on connect; <see cref="Subscribe"/> joins a stream's group
/// as Collab's hub does (without authorization, replay or sequence tracking); <see cref="Echo"/> is
/// the bare hub round trip.
/// </summary>
internal sealed class BareHub : Hub<ICollabClient>
{
    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, BareSignalRServer.Group);
        await base.OnConnectedAsync();
    }

    public async Task<SubscribeResult> Subscribe(string stream, long? afterSeq)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, stream);
        return new SubscribeResult(stream, "public", afterSeq ?? 0, 0);
    }

    public Task Unsubscribe(string stream) => Groups.RemoveFromGroupAsync(Context.ConnectionId, stream);

    /// <summary>A hub invocation that does nothing: what a hub command costs before it does anything.</summary>
    public int Echo(int value) => value;
}
