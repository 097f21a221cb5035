using Collab.Common;
using Collab.Realtime;

namespace Collab.Gateway.Realtime;

/// <summary>
/// A stream a caller may follow: its client-facing <see cref="Name"/>, the internal
/// <see cref="Source"/> key grains publish under, the grain that owns it, and the caller's audience.
/// </summary>
public sealed record StreamRoute(string Name, string Source, IStreamGrain Grain, Audience Audience, string GroupKey);
