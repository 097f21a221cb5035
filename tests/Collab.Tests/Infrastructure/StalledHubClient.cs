using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// A hub client that speaks the SignalR JSON protocol over a raw WebSocket and can stop reading
/// while staying connected: it keeps sending pings, so the server hears from it, but takes nothing
/// off its socket. Its receive buffer is small, so the server's side fills after a few hundred KB.
/// </summary>
public sealed class StalledHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _pending = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly char[] _chars = new char[16 * 1024];
    private readonly byte[] _buffer = new byte[16 * 1024];
    private Task _pings = Task.CompletedTask;
    private int _invocations;

    private StalledHubClient(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        _socket = socket;
        _invoker = invoker;
    }

    /// <summary>Sequence numbers of the <c>Event</c>s read so far, in arrival order.</summary>
    public List<long> Seqs { get; } = [];

    /// <summary>Connects and completes the handshake.</summary>
    public static async Task<StalledHubClient> ConnectAsync(Uri gateway, string token)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                // Set before connecting, so the advertised TCP window stays small.
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4 * 1024 };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var invoker = new HttpMessageInvoker(handler);
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(new Uri(gateway, "/hubs/collab"))
        {
            Scheme = gateway.Scheme == "https" ? "wss" : "ws",
            Query = "access_token=" + Uri.EscapeDataString(token),
        }.Uri;
        await socket.ConnectAsync(uri, invoker, CancellationToken.None);
        var client = new StalledHubClient(socket, invoker);
        await client.SendAsync("""{"protocol":"json","version":1}""");
        var handshake = await client.ReadMessageAsync(TimeSpan.FromSeconds(10));
        Assert.True(handshake == "{}", $"Handshake failed: {handshake}");
        return client;
    }

    /// <summary>Invokes <c>Subscribe</c> and reads until its completion; events before it are recorded.</summary>
    public async Task SubscribeAsync(string stream, long? afterSeq = null)
    {
        var id = await SendSubscribeAsync(stream, afterSeq);
        while (true)
        {
            var message = await ReadMessageAsync(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException("Closed while subscribing.");
            using var json = JsonDocument.Parse(message);
            if (Record(json.RootElement) is 3 && json.RootElement.GetProperty("invocationId").GetString() == id)
            {
                Assert.False(json.RootElement.TryGetProperty("error", out var error), $"Subscribe failed: {error}");
                return;
            }
        }
    }

    /// <summary>Sends <c>Subscribe</c> without reading its answer (nor anything else).</summary>
    public async Task<string> SendSubscribeAsync(string stream, long? afterSeq = null)
    {
        var id = (++_invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var arguments = JsonSerializer.Serialize(new object?[] { stream, afterSeq });
        await SendAsync($$"""{"type":1,"invocationId":"{{id}}","target":"Subscribe","arguments":{{arguments}}}""");
        return id;
    }

    /// <summary>From now on reads nothing, but pings the server every second so it never times the client out.</summary>
    public void Stall()
    {
        _pings = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    await SendAsync("""{"type":6}""");
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // Stopped, or the server closed the connection: nothing left to keep alive.
            }
        });
    }

    /// <summary>
    /// Reads again, recording events, until the server closes the connection; false if it is still
    /// open after <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> ReadUntilClosedAsync(TimeSpan timeout)
    {
        await _stop.CancelAsync();
        await _pings;
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                var message = await ReadMessageAsync(deadline - DateTime.UtcNow);
                if (message is null)
                {
                    return true;
                }

                using var json = JsonDocument.Parse(message);
                if (Record(json.RootElement) is 7)
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            // Aborted: what arrived before is recorded.
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return false;
    }

    private int Record(JsonElement message)
    {
        var type = message.GetProperty("type").GetInt32();
        if (type == 1 && message.GetProperty("target").GetString() == "Event")
        {
            Seqs.Add(message.GetProperty("arguments")[0].GetProperty("seq").GetInt64());
        }

        return type;
    }

    private Task SendAsync(string message) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>The next protocol message (without its separator), or null once the server closed the socket.</summary>
    private async Task<string?> ReadMessageAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 1);
                return text[..end];
            }

            var result = await _socket.ReceiveAsync(_buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            // A character may straddle two reads: the decoder keeps the part it has.
            var count = _decoder.GetChars(_buffer, 0, result.Count, _chars, 0);
            _pending.Append(_chars, 0, count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pings;
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        _stop.Dispose();
    }
}
