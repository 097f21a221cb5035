using Collab.Gateway.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Collab.LoadTest.Serving;

/// <summary>Every connection joins the one group on connect; <see cref="Echo"/> is the bare hub round trip.</summary>
internal sealed class BareHub : Hub<ICollabClient>
{
    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, BareSignalRServer.Group);
        await base.OnConnectedAsync();
    }

    /// <summary>A hub invocation that does nothing: what a hub command costs before it does anything.</summary>
    public int Echo(int value) => value;
}
