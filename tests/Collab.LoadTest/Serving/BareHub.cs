using Collab.Gateway.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Collab.LoadTest.Serving;

/// <summary>Every connection joins the one group on connect; there is nothing else to it.</summary>
internal sealed class BareHub : Hub<ICollabClient>
{
    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, BareSignalRServer.Group);
        await base.OnConnectedAsync();
    }
}
