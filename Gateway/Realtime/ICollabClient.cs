using Collab.Gateway.Wire;

namespace Collab.Gateway.Realtime;

/// <summary>What the server calls on clients. Method names are the event names of the contract.</summary>
public interface ICollabClient
{
    Task Event(EventEnvelope envelope);

    Task Resync(ResyncNotice notice);

    Task Reconnect(ReconnectNotice notice);
}
