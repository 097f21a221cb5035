using System.Diagnostics;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Collab.Gateway.Realtime;

/// <summary>
/// What one hub connection has been sent and not yet taken. Writes are started in order and never
/// awaited by the sender: SignalR queues a connection's writes behind its write lock in the order
/// they start, and a write finishes once the connection's pipe has room for it. A connection
/// whose oldest unfinished write is older than <see cref="GatewayRealtimeOptions.MaxConnectionLag"/>,
/// or whose unfinished writes carry more than <see cref="GatewayRealtimeOptions.MaxConnectionBacklog"/> messages, is cut
/// off: its transport is aborted, so its client reconnects and resumes from its last seq.
/// </summary>
internal sealed class ConnectionOutbox(HubConnectionContext connection, TimeSpan maxLag, int maxBacklog, Action<ConnectionOutbox, TimeSpan, int> cutOff)
{
    private readonly Queue<(Task Write, long StartedAt, int Messages)> _unfinished = new();

    /// <summary>Messages in the unfinished writes (a write may carry a run of several).</summary>
    private int _backlog;
    private readonly Lock _lock = new();
    private bool _cutOff;

    public HubConnectionContext Connection => connection;

    public string ConnectionId => connection.ConnectionId;

    /// <summary>Groups this connection is in; changed only under the lifetime manager's group lock.</summary>
    public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts writing <paramref name="message"/> after everything written before it; never waits.
    /// <paramref name="messages"/>: how many hub messages it carries (a run laid end to end), which
    /// is what <see cref="GatewayRealtimeOptions.MaxConnectionBacklog"/> counts.
    /// </summary>
    public void Write(SerializedHubMessage message, int messages = 1)
    {
        if (Volatile.Read(ref _cutOff))
        {
            return;
        }

        var write = connection.WriteAsync(message);
        if (write.IsCompleted)
        {
            // The usual case: the pipe had room. Failures are the connection's own (it aborts itself).
            return;
        }

        lock (_lock)
        {
            _unfinished.Enqueue((write.AsTask(), Stopwatch.GetTimestamp(), messages));
            _backlog += messages;
            if (!Lagging(out var lag, out var backlog))
            {
                return;
            }

            CutOff(lag, backlog);
        }
    }

    /// <summary>Called about once a second (the connection's heartbeat): cuts off a connection that stopped taking what it was sent.</summary>
    public void Tick()
    {
        lock (_lock)
        {
            if (!_cutOff && Lagging(out var lag, out var backlog))
            {
                CutOff(lag, backlog);
            }
        }
    }

    /// <summary>Must hold the lock.</summary>
    private bool Lagging(out TimeSpan lag, out int backlog)
    {
        while (_unfinished.TryPeek(out var oldest) && oldest.Write.IsCompleted)
        {
            _unfinished.Dequeue();
            _backlog -= oldest.Messages;
        }

        backlog = _backlog;
        lag = _unfinished.TryPeek(out var first) ? Stopwatch.GetElapsedTime(first.StartedAt) : TimeSpan.Zero;
        return lag > maxLag || backlog > maxBacklog;
    }

    /// <summary>Must hold the lock.</summary>
    private void CutOff(TimeSpan lag, int backlog)
    {
        _cutOff = true;
        _unfinished.Clear();
        _backlog = 0;
        cutOff(this, lag, backlog);

        // The transport, not the hub connection: HubConnectionContext.Abort would tell the client
        // not to reconnect, and a close message could not get through a full pipe anyway. Aborting
        // the transport fails the writes still queued, so nothing waits on this connection any more.
        if (connection.Features.Get<IConnectionLifetimeFeature>() is { } lifetime)
        {
            lifetime.Abort();
        }
        else
        {
            connection.Abort();
        }
    }
}
