using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.LoadTest.Clients;

/// <summary>
/// N real SignalR clients (WebSockets, no negotiation) in this process, each following the pool's
/// streams. Connections are spread over several 127.0.0.x source addresses so thousands of them do
/// not exhaust one address's ephemeral ports. Every received event, <c>Resync</c> and closed
/// connection goes to <see cref="Current"/>, the run being recorded, with the client's slot.
/// </summary>
internal sealed class ClientPool(Uri hubUrl, bool messagePack, string[]? streams = null) : IAsyncDisposable
{
    private const int SourceAddresses = 16;
    private static readonly HttpMessageInvoker[] Invokers = [.. Enumerable.Range(0, SourceAddresses).Select(i => CreateInvoker(new IPAddress([127, 0, 0, (byte)(10 + i)])))];
    private readonly List<HubConnection> _connections = [];
    private readonly List<bool> _closed = [];
    private string[] _streams = streams ?? [];

    /// <summary>The run being recorded, if any.</summary>
    public volatile Receipts? Current;

    public int Count => _connections.Count;

    public IReadOnlyList<HubConnection> Connections => _connections;

    public bool MessagePack => messagePack;

    /// <summary>Slots whose connection has closed and not been replaced.</summary>
    public IEnumerable<int> ClosedSlots
    {
        get
        {
            lock (_closed)
            {
                return [.. Enumerable.Range(0, _closed.Count).Where(i => _closed[i])];
            }
        }
    }

    /// <summary>
    /// Connects clients until there are <paramref name="n"/>, and first replaces those that were
    /// closed (cut off by the server, say), so each run starts with every client connected and
    /// following the pool's streams.
    /// </summary>
    public async Task<int> GrowToAsync(int n, CancellationToken cancellationToken)
    {
        var replace = ClosedSlots.ToArray();
        await Parallel.ForEachAsync(replace, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (slot, ct) =>
        {
            var old = _connections[slot];
            var replacement = await ConnectAsync(slot, ct);
            lock (_closed)
            {
                _connections[slot] = replacement;
            }

            await old.DisposeAsync();
        });

        var missing = n - _connections.Count;
        if (missing <= 0) return replace.Length;
        var offset = _connections.Count;
        lock (_closed)
        {
            _closed.AddRange(Enumerable.Repeat(false, missing));
        }

        var added = new HubConnection[missing];
        await Parallel.ForEachAsync(Enumerable.Range(0, missing), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, ct) => added[i] = await ConnectAsync(offset + i, ct));
        lock (_closed)
        {
            _connections.AddRange(added);
        }

        return replace.Length;
    }

    /// <summary>Makes every client follow exactly <paramref name="streams"/> (unsubscribing from the others).</summary>
    public async Task FollowAsync(string[] streams, CancellationToken cancellationToken)
    {
        var leave = _streams.Except(streams).ToArray();
        var join = streams.Except(_streams).ToArray();
        _streams = streams;
        await Parallel.ForEachAsync(Enumerable.Range(0, _connections.Count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (slot, ct) =>
        {
            if (IsClosed(slot)) return;
            var connection = _connections[slot];
            foreach (var stream in leave) await connection.InvokeAsync("Unsubscribe", stream, ct);
            foreach (var stream in join) await connection.InvokeAsync("Subscribe", stream, (long?)null, ct);
        });
    }

    private bool IsClosed(int slot)
    {
        lock (_closed)
        {
            return _closed[slot];
        }
    }

    private async Task<HubConnection> ConnectAsync(int slot, CancellationToken cancellationToken)
    {
        var connection = Build(slot);
        await connection.StartAsync(cancellationToken);
        foreach (var stream in _streams)
        {
            await connection.InvokeAsync("Subscribe", stream, (long?)null, cancellationToken);
        }

        lock (_closed)
        {
            _closed[slot] = false;
        }

        return connection;
    }

    private HubConnection Build(int slot)
    {
        var invoker = Invokers[slot % SourceAddresses];
        var builder = new HubConnectionBuilder().WithUrl(hubUrl, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (context, ct) =>
            {
                var socket = new ClientWebSocket();
                try
                {
                    await socket.ConnectAsync(context.Uri, invoker, ct);
                    return socket;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        // Generous: a saturated 2-core box may not answer pings for a while, and that is what is measured.
        connection.ServerTimeout = TimeSpan.FromMinutes(2);
        connection.On<WireEnvelope>("Event", e => Current?.OnEvent(slot, e));
        connection.On<WireResync>("Resync", _ => Current?.OnResync(slot));
        connection.Closed += _ =>
        {
            lock (_closed)
            {
                // A replaced connection's close (its disposal) must not mark its successor.
                if (slot < _connections.Count && !ReferenceEquals(_connections[slot], connection)) return Task.CompletedTask;
                _closed[slot] = true;
            }

            Current?.OnClosed(slot);
            return Task.CompletedTask;
        };
        return connection;
    }

    private static HttpMessageInvoker CreateInvoker(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    });

    public async ValueTask DisposeAsync()
    {
        Current = null;
        await Parallel.ForEachAsync(_connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
        _connections.Clear();
    }
}
