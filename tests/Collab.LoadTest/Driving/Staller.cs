using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Collab.LoadTest.Driving;

/// <summary>
/// A subscriber that stops reading its socket: the SignalR JSON protocol spoken by hand over a raw
/// WebSocket whose receive buffer is small, so that once it has subscribed, nothing reads what the
/// server sends and the server's buffers for it fill. It keeps sending pings (a stalled reader's
/// writes still work), so the server does not time it out for silence. <see cref="ResumeAsync"/>
/// reads what was left for it and tells whether the server closed the connection.
/// </summary>
internal sealed class Staller : IAsyncDisposable
{
    private const char Separator = '\u001e';

    /// <summary>The staller's own source address, so its connection is found in <c>/proc/net/tcp</c>.</summary>
    private const string Address = "127.0.0.9";
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}" + Separator);
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _pending = new();
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private Task _pinging = Task.CompletedTask;
    private int _localPort;

    private Staller(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        _socket = socket;
        _invoker = invoker;
    }

    /// <summary>Connects to the hub at <paramref name="hubUrl"/> (http form, with its token), subscribes to <paramref name="streams"/>, and from then on does not read.</summary>
    public static async Task<Staller> ConnectAsync(Uri hubUrl, string[] streams, CancellationToken cancellationToken)
    {
        var localPort = 0;
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                // Small before connecting, so the window it advertises stays small: the server's sends stall soon.
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(Address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    localPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
        var socket = new ClientWebSocket();
        var staller = new Staller(socket, invoker);
        var ws = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == "https" ? "wss" : "ws" }.Uri;
        await socket.ConnectAsync(ws, invoker, cancellationToken);
        staller._localPort = localPort;
        await staller.SendAsync("{\"protocol\":\"json\",\"version\":1}" + Separator, cancellationToken);
        var handshake = await staller.ReadFrameAsync(cancellationToken);
        if (handshake is null || handshake.Contains("error", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The staller's handshake failed: {handshake}");
        }

        for (var k = 0; k < streams.Length; k++)
        {
            await staller.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = $"{k}", target = "Subscribe", arguments = new object?[] { streams[k], null } }) + Separator, cancellationToken);
        }

        var answered = 0;
        while (answered < streams.Length && await staller.ReadFrameAsync(cancellationToken) is { } frame)
        {
            using var doc = JsonDocument.Parse(frame);
            if (doc.RootElement.GetProperty("type").GetInt32() != 3) continue;
            if (doc.RootElement.TryGetProperty("error", out var error)) throw new InvalidOperationException($"The staller could not subscribe: {error}");
            answered++;
        }

        staller._pinging = staller.PingAsync();
        return staller;
    }

    /// <summary>
    /// Reads everything there is (at most <paramref name="timeout"/>, stopping after a second of
    /// quiet): the notes' markers with each stream's last seq, <c>Resync</c>s, and whether the
    /// server closed the connection.
    /// </summary>
    public async Task<StallerReadout> ResumeAsync(TimeSpan timeout)
    {
        await _stop.CancelAsync();
        await _pinging;
        var markers = new HashSet<string>(StringComparer.Ordinal);
        var lastSeq = new Dictionary<string, long>(StringComparer.Ordinal);
        var resyncs = 0;
        var closed = false;
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            string? frame;
            try
            {
                using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                frame = await ReadFrameAsync(quiet.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception ex) when (ex is WebSocketException or IOException)
            {
                closed = true;
                break;
            }

            if (frame is null)
            {
                closed = true;
                break;
            }

            using var doc = JsonDocument.Parse(frame);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetInt32();
            if (type == 7)
            {
                closed = true;
                break;
            }

            if (type != 1) continue;
            var target = root.GetProperty("target").GetString();
            var argument = root.GetProperty("arguments")[0];
            if (target == "Resync")
            {
                resyncs++;
            }
            else if (target == "Event")
            {
                if (argument.TryGetProperty("stream", out var stream) && argument.TryGetProperty("seq", out var seq))
                {
                    lastSeq[stream.GetString()!] = seq.GetInt64();
                }

                if (argument.TryGetProperty("data", out var data) && data.TryGetProperty("note", out var note) && note.TryGetProperty("text", out var text))
                {
                    markers.Add(text.GetString()!);
                }
            }
        }

        return new StallerReadout(markers, lastSeq, resyncs, closed);
    }

    /// <summary>
    /// Bytes waiting in the kernel for this connection (<c>/proc/net/tcp</c>): in the server's socket
    /// send queue, and in the staller's receive queue. Null where there is no such file.
    /// </summary>
    public (long ServerSendQueue, long ClientReceiveQueue)? KernelQueues()
    {
        if (!File.Exists("/proc/net/tcp") || _localPort == 0) return null;
        var self = $"0900007F:{_localPort:X4}";
        long send = 0;
        long receive = 0;
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5) continue;
            var queues = f[4].Split(':');
            if (f[2] == self) send += Convert.ToInt64(queues[0], 16);
            if (f[1] == self) receive += Convert.ToInt64(queues[1], 16);
        }

        return (send, receive);
    }

    private async Task SendAsync(string text, CancellationToken cancellationToken) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    private async Task PingAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), _stop.Token);
                // Not cancelled mid-send: cancelling a ClientWebSocket operation aborts the socket.
                await _socket.SendAsync(Ping, WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopped, or the server closed the connection (ResumeAsync finds out).
        }
    }

    /// <summary>The next protocol record, or null when the server closed the WebSocket.</summary>
    private async Task<string?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(Separator);
            if (end >= 0)
            {
                _pending.Remove(0, end + 1);
                return text[..end];
            }

            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            _pending.Append(chars, 0, _utf8.GetChars(buffer, 0, result.Count, chars, 0));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _pinging;
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        _stop.Dispose();
    }
}

/// <summary>What a staller found once it read again.</summary>
internal sealed record StallerReadout(HashSet<string> Markers, Dictionary<string, long> LastSeq, int Resyncs, bool Closed);
