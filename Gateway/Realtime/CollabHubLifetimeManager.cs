using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Realtime;

/// <summary>
/// SignalR's in-memory lifetime manager, with one difference: a send never waits for a connection.
/// The default manager's group send finishes when its slowest member has taken the message, so
/// whoever awaits it (the push path, holding a stream's gate) waits on that member, and a reader
/// that stalls holds the stream for everyone. Here each message is still serialized once per
/// protocol for all members, then handed to each member's <see cref="ConnectionOutbox"/>, which
/// bounds how far that connection may fall behind and cuts it off past that.
/// </summary>
public sealed partial class CollabHubLifetimeManager(
    ILogger<DefaultHubLifetimeManager<CollabHub>> baseLogger,
    IOptions<GatewayRealtimeOptions> options,
    Operations.CollabMetrics metrics,
    ILogger<CollabHubLifetimeManager> logger) : DefaultHubLifetimeManager<CollabHub>(baseLogger)
{
    private readonly ConcurrentDictionary<string, ConnectionOutbox> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ConnectionOutbox>> _groups = new(StringComparer.Ordinal);

    /// <summary>Held to change group membership (rare); sends read the groups without it.</summary>
    private readonly Lock _groupsLock = new();

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        var limits = options.Value;
        var outbox = new ConnectionOutbox(connection, limits.MaxConnectionLag, limits.MaxConnectionBacklog, OnCutOff);
        _connections[connection.ConnectionId] = outbox;
        // The transport's heartbeat (once a second) notices a connection that stopped taking writes when no new ones come.
        connection.Features.Get<IConnectionHeartbeatFeature>()?.OnHeartbeat(static state => ((ConnectionOutbox)state).Tick(), outbox);
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_connections.TryRemove(connection.ConnectionId, out var outbox))
        {
            lock (_groupsLock)
            {
                foreach (var group in outbox.Groups)
                {
                    Leave(group, outbox);
                }

                outbox.Groups.Clear();
            }
        }

        return base.OnDisconnectedAsync(connection);
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (_groupsLock)
        {
            // Checked under the lock, which a disconnect also takes: a connection that is gone joins nothing.
            if (_connections.TryGetValue(connectionId, out var outbox) && outbox.Groups.Add(groupName))
            {
                _groups.GetOrAdd(groupName, _ => new(StringComparer.Ordinal))[connectionId] = outbox;
            }
        }

        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (_groupsLock)
        {
            if (_connections.TryGetValue(connectionId, out var outbox) && outbox.Groups.Remove(groupName))
            {
                Leave(groupName, outbox);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Must hold the group lock.</summary>
    private void Leave(string groupName, ConnectionOutbox outbox)
    {
        if (_groups.TryGetValue(groupName, out var members) && members.TryRemove(outbox.ConnectionId, out _) && members.IsEmpty)
        {
            _groups.TryRemove(groupName, out _);
        }
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendToAll(methodName, args, excluded: null);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendToAll(methodName, args, excludedConnectionIds);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (_connections.TryGetValue(connectionId, out var outbox))
        {
            outbox.Write(Message(methodName, args));
        }

        return Task.CompletedTask;
    }

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var message = Message(methodName, args);
        foreach (var connectionId in connectionIds)
        {
            if (_connections.TryGetValue(connectionId, out var outbox))
            {
                outbox.Write(message);
            }
        }

        return Task.CompletedTask;
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (_groups.TryGetValue(groupName, out var members))
        {
            // Serialized once per protocol, on the first member that speaks it. The dictionary is
            // enumerated as it is (lock-free, no copy): its Values property would take every lock
            // and copy the members into a new list on each send.
            var message = Message(methodName, args);
            foreach (var (_, outbox) in members)
            {
                outbox.Write(message);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends <paramref name="messages"/> to a group's members, in order, as one write per member:
    /// the messages are serialized once per protocol and laid end to end. Both protocols frame each
    /// message (JSON ends it with a record separator, MessagePack prefixes its length), so a client
    /// reads them one by one, exactly as if they had been written apart; a run of a stream's events
    /// is then one flush and one socket send per member instead of one per event.
    /// </summary>
    public void SendGroupInOrder(string groupName, IReadOnlyList<HubMessage> messages)
    {
        if (messages.Count == 0 || !_groups.TryGetValue(groupName, out var members))
        {
            return;
        }

        if (messages.Count == 1)
        {
            var single = new SerializedHubMessage(messages[0]);
            foreach (var (_, outbox) in members)
            {
                outbox.Write(single);
            }

            return;
        }

        // Members speak one protocol or two: the run is serialized on the first member that speaks each.
        var runs = new List<(string Protocol, SerializedHubMessage Run)>(2);
        foreach (var (_, outbox) in members)
        {
            var protocol = outbox.Connection.Protocol;
            var index = 0;
            while (index < runs.Count && runs[index].Protocol != protocol.Name)
            {
                index++;
            }

            if (index == runs.Count)
            {
                runs.Add((protocol.Name, Together(protocol, messages)));
            }

            outbox.Write(runs[index].Run, messages.Count);
        }
    }

    /// <summary>This thread's buffer for laying a run out (serializing never awaits); the run is copied out at its size.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_run;

    /// <summary>A run larger than this does not keep its buffer on the thread.</summary>
    private const int KeptRunBuffer = 256 * 1024;

    private static SerializedHubMessage Together(IHubProtocol protocol, IReadOnlyList<HubMessage> messages)
    {
        // A fresh buffer grew by doubling from 256 bytes for every run, a run of 64 events through
        // eight discarded arrays: a fifth of what the gateway allocated in the hub command row.
        var buffer = t_run ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        foreach (var message in messages)
        {
            protocol.WriteMessage(message, buffer);
        }

        var run = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > KeptRunBuffer)
        {
            t_run = null;
        }

        return new SerializedHubMessage([new SerializedMessage(protocol.Name, run)]);
    }

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var message = Message(methodName, args);
        foreach (var groupName in groupNames)
        {
            if (_groups.TryGetValue(groupName, out var members))
            {
                foreach (var (_, outbox) in members)
                {
                    outbox.Write(message);
                }
            }
        }

        return Task.CompletedTask;
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        if (_groups.TryGetValue(groupName, out var members))
        {
            var message = Message(methodName, args);
            foreach (var (_, outbox) in members)
            {
                if (!excludedConnectionIds.Contains(outbox.ConnectionId))
                {
                    outbox.Write(message);
                }
            }
        }

        return Task.CompletedTask;
    }

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendToUsers([userId], methodName, args);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendToUsers(userIds, methodName, args);

    private Task SendToAll(string methodName, object?[] args, IReadOnlyList<string>? excluded)
    {
        var message = Message(methodName, args);
        foreach (var (_, outbox) in _connections)
        {
            if (excluded is null || !excluded.Contains(outbox.ConnectionId))
            {
                outbox.Write(message);
            }
        }

        return Task.CompletedTask;
    }

    private Task SendToUsers(IReadOnlyList<string> userIds, string methodName, object?[] args)
    {
        var message = Message(methodName, args);
        foreach (var (_, outbox) in _connections)
        {
            if (outbox.Connection.UserIdentifier is { } user && userIds.Contains(user))
            {
                outbox.Write(message);
            }
        }

        return Task.CompletedTask;
    }

    private static SerializedHubMessage Message(string methodName, object?[] args) =>
        new(new InvocationMessage(methodName, args));

    private void OnCutOff(ConnectionOutbox outbox, TimeSpan lag, int backlog)
    {
        metrics.CutOff();
        LogCutOff(logger, outbox.ConnectionId, lag.TotalSeconds, backlog);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} fell {LagSeconds:0.0} s behind with {Backlog} messages waiting; cut off, so its client reconnects and resumes from its last seq")]
    private static partial void LogCutOff(ILogger logger, string connectionId, double lagSeconds, int backlog);
}
