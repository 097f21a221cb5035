using Collab.Common;
using Collab.Realtime;

namespace Collab.Gateway.Realtime;

/// <summary>
/// A stream a caller may follow: its client-facing <see cref="Name"/>, the <see cref="Source"/>
/// its grain publishes under, the grain that owns it, the caller's audience, and the key its
/// SignalR groups are named by.
/// </summary>
public sealed record StreamRoute(string Name, StreamName Source, IStreamGrain Grain, Audience Audience, string GroupKey);
