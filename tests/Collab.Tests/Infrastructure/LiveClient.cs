using System.Text.Json;
using System.Threading.Channels;
using MessagePack;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// A real SignalR client (WebSockets over loopback) that records every <c>Event</c> and
/// <c>Resync</c> it receives, per stream, in arrival order, and every <c>Reconnect</c> (a draining gateway).
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly Dictionary<string, Channel<WireEvent>> _events = [];
    private readonly Channel<WireResync> _resyncs = System.Threading.Channels.Channel.CreateUnbounded<WireResync>();
    private readonly Channel<WireReconnect> _reconnects = System.Threading.Channels.Channel.CreateUnbounded<WireReconnect>();

    private LiveClient(HubConnection connection)
    {
        _connection = connection;
        _connection.On<WireEvent>("Event", e => Channel(e.Stream).Writer.TryWrite(e));
        _connection.On<WireResync>("Resync", r => _resyncs.Writer.TryWrite(r));
        _connection.On<WireReconnect>("Reconnect", r => _reconnects.Writer.TryWrite(r));
    }

    public static async Task<LiveClient> ConnectAsync(Uri gateway, string token, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(gateway, "/hubs/collab"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var client = new LiveClient(builder.Build());
        await client._connection.StartAsync();
        return client;
    }

    public HubConnection Connection => _connection;

    public Task<WireSubscribeResult> SubscribeAsync(string stream, long? afterSeq = null) =>
        _connection.InvokeAsync<WireSubscribeResult>("Subscribe", stream, afterSeq);

    public Task UnsubscribeAsync(string stream) => _connection.InvokeAsync("Unsubscribe", stream);

    /// <summary>The next event of <paramref name="stream"/>, or a failure after <paramref name="timeout"/>.</summary>
    public async Task<WireEvent> NextAsync(string stream, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await Channel(stream).Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No event on '{stream}' within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds}s.");
        }
    }

    /// <summary>Waits for the next event of the given type, failing on any other type in between.</summary>
    public async Task<WireEvent> NextAsync(string stream, string type, TimeSpan? timeout = null)
    {
        var e = await NextAsync(stream, timeout);
        Assert.True(type == e.Type, $"Expected '{type}' on '{stream}', got '{e.Type}' #{e.Seq} ({e.Id}).");
        return e;
    }

    /// <summary>True if nothing more arrives on <paramref name="stream"/> within <paramref name="quiet"/>.</summary>
    public async Task AssertQuietAsync(string stream, TimeSpan quiet)
    {
        await Task.Delay(quiet);
        Assert.False(Channel(stream).Reader.TryRead(out var extra), $"Unexpected event on '{stream}': {extra?.Type} #{extra?.Seq}");
    }

    public async Task<WireResync> NextResyncAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _resyncs.Reader.ReadAsync(cts.Token);
    }

    /// <summary>The next <c>Reconnect</c> notice, or a failure after <paramref name="timeout"/>.</summary>
    public async Task<WireReconnect> NextReconnectAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _reconnects.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No Reconnect within {timeout.TotalSeconds}s.");
        }
    }

    private Channel<WireEvent> Channel(string stream)
    {
        lock (_events)
        {
            if (!_events.TryGetValue(stream, out var channel))
            {
                _events[stream] = channel = System.Threading.Channels.Channel.CreateUnbounded<WireEvent>();
            }

            return channel;
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}

/// <summary>The contract's event envelope, as a client reads it off the wire.</summary>
[MessagePackObject]
public sealed record WireEvent(
    [property: Key("stream")] string Stream,
    [property: Key("seq")] long Seq,
    [property: Key("id")] string Id,
    [property: Key("type")] string Type,
    [property: Key("occurredAt")] string OccurredAt,
    [property: Key("actor")] WireActor Actor,
    [property: Key("data")] object Data,
    [property: Key("exercise")] string? Exercise = null)
{
    /// <summary>A field of <c>data</c> by path, e.g. <c>note.text</c>, as a string (null when absent).</summary>
    public string? Get(string path)
    {
        object? current = Data;
        foreach (var part in path.Split('.'))
        {
            current = current switch
            {
                JsonElement { ValueKind: JsonValueKind.Object } json => json.TryGetProperty(part, out var v) ? v : null,
                IDictionary<object, object> map => map.TryGetValue(part, out var v) ? v : null,
                _ => null,
            };
        }

        return current switch
        {
            null => null,
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
            JsonElement json => json.GetRawText(),
            _ => Convert.ToString(current, System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}

[MessagePackObject]
public sealed record WireActor([property: Key("role")] string Role, [property: Key("name")] string? Name);

[MessagePackObject]
public sealed record WireSubscribeResult(
    [property: Key("stream")] string Stream,
    [property: Key("audience")] string Audience,
    [property: Key("currentSeq")] long CurrentSeq,
    [property: Key("replayed")] int Replayed);

[MessagePackObject]
public sealed record WireResync([property: Key("stream")] string Stream, [property: Key("reason")] string Reason);

[MessagePackObject]
public sealed record WireReconnect([property: Key("afterMs")] int AfterMs);
