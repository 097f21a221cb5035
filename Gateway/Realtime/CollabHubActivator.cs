using Collab.Gateway.Access;
using Collab.Gateway.Localization;
using Collab.Gateway.Operations;
using Collab.Gateway.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Realtime;

/// <summary>
/// Builds a <see cref="CollabHub"/> for each invocation from the process's own services, held once.
/// SignalR's default activator is scoped: every hub call (every <c>Assign</c> of a dispatch
/// console) built a new activator in the call's scope, recorded it there, and looked up each of the
/// hub's nine services again through the scope, when every one of them is a singleton. A hub is
/// still new per call, as SignalR requires (it sets the call's context on it), and disposed after.
/// </summary>
/// <remarks>
/// Constructs the hub with its parameters named, so a new hub dependency fails the build here
/// rather than going unnoticed; it must be a singleton too, or this activator must not be.
/// </remarks>
internal sealed class CollabHubActivator(LiveStreams streams, StreamRouter router, RevocationList revocations, IGrainFactory grains,
    IOptions<SecurityOptions> security, HubConnections connections, CollabMetrics metrics, GatewayDrain drain, Translations texts)
    : IHubActivator<CollabHub>
{
    public CollabHub Create() => new(streams, router, revocations, grains, security, connections, metrics, drain, texts);

    public void Release(CollabHub hub) => hub.Dispose();
}
