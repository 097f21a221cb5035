using System.Collections.Concurrent;

namespace Collab.Gateway.Operations;

/// <summary>The hub connections open on this gateway (by connection id), for the drain and the connections gauge.</summary>
public sealed class HubConnections
{
    private readonly ConcurrentDictionary<string, byte> _open = new(StringComparer.Ordinal);

    public int Count => _open.Count;

    public ICollection<string> Ids => _open.Keys;

    public void Opened(string connectionId) => _open.TryAdd(connectionId, 0);

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);
}
