using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.LoadTest.Driving;

/// <summary>
/// N real SignalR clients (WebSockets, no negotiation) in the driver process. Connections are
/// spread over several 127.0.0.x source addresses so thousands of them do not exhaust one
/// address's ephemeral ports. Every received event goes to <see cref="Sink"/>.
/// </summary>
internal sealed class ClientPool(Uri hubUrl, bool messagePack, Func<HubConnection, Task>? afterConnect) : IAsyncDisposable
{
    private const int SourceAddresses = 16;
    private static readonly HttpMessageInvoker[] Invokers = [.. Enumerable.Range(0, SourceAddresses).Select(i => CreateInvoker(new IPAddress([127, 0, 0, (byte)(10 + i)])))];
    private readonly List<HubConnection> _connections = [];

    public DeliverySink Sink { get; } = new();

    public int Count => _connections.Count;

    public IReadOnlyList<HubConnection> Connections => _connections;

    public bool MessagePack => messagePack;

    /// <summary>Connects (and prepares) clients until there are <paramref name="n"/>.</summary>
    public async Task GrowToAsync(int n, CancellationToken cancellationToken)
    {
        var missing = n - _connections.Count;
        if (missing <= 0) return;
        var added = new HubConnection[missing];
        var offset = _connections.Count;
        await Parallel.ForEachAsync(Enumerable.Range(0, missing), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var connection = Build(offset + i);
            await connection.StartAsync(ct);
            if (afterConnect is not null)
            {
                await afterConnect(connection);
            }

            added[i] = connection;
        });
        _connections.AddRange(added);
    }

    private HubConnection Build(int index)
    {
        var invoker = Invokers[index % SourceAddresses];
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
        connection.On<WireEnvelope>("Event", e => Sink.Current?.OnEvent(e));
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
        Sink.Current = null;
        await Parallel.ForEachAsync(_connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
        _connections.Clear();
    }
}

/// <summary>Where a pool's clients report receipts: the run being measured, if any.</summary>
internal sealed class DeliverySink
{
    public volatile RunRecorder? Current;
}
