using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Collab.Common;
using Collab.Gateway.Realtime;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Realtime;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Gateway;

/// <summary>
/// A batch of a stream's events reaches each subscriber as one write: one WebSocket message
/// holding the events one after another, which every client reads as separate <c>Event</c>s, in
/// order, in either protocol.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BatchedDeliveryTests(GatewayFixture fx)
{
    private const char RecordSeparator = '\u001e';

    [Fact]
    public async Task ABatchOfEventsIsOneWebSocketMessageReadAsSeparateEventsInOrder()
    {
        var (police, id, stream) = await NewIncidentAsync();
        await using var json = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        await using var messagePack = await LiveClient.ConnectAsync(fx.GatewayA, police.Token, messagePack: true);
        await json.SubscribeAsync(stream, afterSeq: 0);
        await messagePack.SubscribeAsync(stream, afterSeq: 0);
        await json.NextAsync(stream, "incident.reported");
        await messagePack.NextAsync(stream, "incident.reported");
        using var raw = await RawJsonClient.ConnectAsync(fx.GatewayA, police.Token);
        await raw.SubscribeAsync(stream);

        // As the incident's grain publishes three events of one command round: one batch.
        var at = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(2, 3).Select(seq => new AudienceEvent(Audience.Police, Assigned(stream, id, seq, $"Unit {seq}", at))).ToList();
        await fx.ServicesA.GetRequiredService<LiveStreams>().OnEventsAsync(new StreamBatch(stream, events, new StreamHead(1, 1, 4), at));

        foreach (var client in new[] { json, messagePack })
        {
            await ReadAssignedAsync(client, stream, Enumerable.Range(2, 3).Select(seq => ((long)seq, $"Unit {seq}")));
            await client.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(200));
        }

        // On the wire: the three Event invocations in one WebSocket message. One write makes that
        // certain; three writes are sometimes, not always, combined by the transport's send loop.
        var message = await raw.NextMessageWithEventsAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([2L, 3L, 4L], message);
    }

    [Fact]
    public async Task BatchesThatArriveSwappedAreWrittenTogetherInOrderOnceTheFirstComes()
    {
        var (police, id, stream) = await NewIncidentAsync();
        await using var json = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        await json.SubscribeAsync(stream, afterSeq: 0);
        await json.NextAsync(stream, "incident.reported");
        using var raw = await RawJsonClient.ConnectAsync(fx.GatewayA, police.Token);
        await raw.SubscribeAsync(stream);

        // Three one-event batches, the last two first (as Orleans may deliver one-way calls): those
        // are held until the first arrives, and the delivery that takes it sends all three as one run.
        var live = fx.ServicesA.GetRequiredService<LiveStreams>();
        var at = DateTimeOffset.UtcNow;
        foreach (var seq in new[] { 4, 3, 2 })
        {
            await live.OnEventsAsync(new StreamBatch(stream, [new AudienceEvent(Audience.Police, Assigned(stream, id, seq, $"Unit {seq}", at))], new StreamHead(1, 1, seq), at));
        }

        await ReadAssignedAsync(json, stream, Enumerable.Range(2, 3).Select(seq => ((long)seq, $"Unit {seq}")));
        await json.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(200));
        var message = await raw.NextMessageWithEventsAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([2L, 3L, 4L], message);
    }

    [Fact]
    public async Task MessagesLaidEndToEndAreReadOneByOneInEitherProtocol()
    {
        var (police, id, stream) = await NewIncidentAsync();
        await using var json = await LiveClient.ConnectAsync(fx.GatewayA, police.Token);
        await using var messagePack = await LiveClient.ConnectAsync(fx.GatewayA, police.Token, messagePack: true);
        await json.SubscribeAsync(stream);
        await messagePack.SubscribeAsync(stream);

        // Straight to the police group of the stream, in English: a run of five, each a different size.
        var at = DateTimeOffset.UtcNow;
        var texts = fx.ServicesA.GetRequiredService<Collab.Gateway.Localization.Translations>();
        var messages = Enumerable.Range(1, 5)
            .Select(i => (HubMessage)new InvocationMessage("Event", [EnvelopeMapper.Map(Assigned(stream, id, 100 + i, new string('u', i * 37), at), "en", texts)]))
            .ToList();
        fx.ServicesA.GetRequiredService<CollabHubLifetimeManager>().SendGroupInOrder($"{stream}|police|en", messages);

        foreach (var client in new[] { json, messagePack })
        {
            await ReadAssignedAsync(client, stream, Enumerable.Range(1, 5).Select(i => (100L + i, new string('u', i * 37))));
        }
    }

    /// <summary>An <c>incident.assigned</c> event of the stream, as the incident's grain publishes it.</summary>
    private static StreamEvent Assigned(string stream, string id, long seq, string unit, DateTimeOffset at) =>
        new(stream, seq, RandomIds.New(), EventTypes.Assigned, at, new EventActor(ActorRole.Police, "Dispatcher"), new AssignedData(id, unit));

    /// <summary>Reads the client's next <c>incident.assigned</c> events and checks each one's seq and unit, in order.</summary>
    private static async Task ReadAssignedAsync(LiveClient client, string stream, IEnumerable<(long Seq, string Unit)> expected)
    {
        foreach (var (seq, unit) in expected)
        {
            var e = await client.NextAsync(stream, "incident.assigned");
            Assert.Equal(seq, e.Seq);
            Assert.Equal(unit, e.Get("unit"));
        }
    }

    /// <summary>A police officer, and an incident a citizen just reported, with its stream's name.</summary>
    private async Task<(TestUser Police, string Id, string Stream)> NewIncidentAsync()
    {
        var reporter = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var id = (await (await fx.Http(reporter.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        return (police, id, $"incident:{id}");
    }

    /// <summary>The SignalR JSON protocol over a raw WebSocket, read message by message (not record by record).</summary>
    private sealed class RawJsonClient : IDisposable
    {
        private readonly ClientWebSocket _socket = new();

        public static async Task<RawJsonClient> ConnectAsync(Uri gateway, string token)
        {
            var client = new RawJsonClient();
            var uri = new UriBuilder(new Uri(gateway, "/hubs/collab"))
            {
                Scheme = gateway.Scheme == "https" ? "wss" : "ws",
                Query = "access_token=" + Uri.EscapeDataString(token),
            }.Uri;
            await client._socket.ConnectAsync(uri, CancellationToken.None);
            await client.SendAsync("""{"protocol":"json","version":1}""");
            Assert.Equal(["{}"], await client.ReadRecordsAsync(TimeSpan.FromSeconds(10)));
            return client;
        }

        /// <summary>Subscribes from the current head (no replay) and reads until the completion.</summary>
        public async Task SubscribeAsync(string stream)
        {
            await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "Subscribe", arguments = new object?[] { stream, null } }));
            while (true)
            {
                foreach (var record in await ReadRecordsAsync(TimeSpan.FromSeconds(10)))
                {
                    using var doc = JsonDocument.Parse(record);
                    if (doc.RootElement.GetProperty("type").GetInt32() == 3)
                    {
                        Assert.False(doc.RootElement.TryGetProperty("error", out var error), $"Subscribe failed: {error}");
                        return;
                    }
                }
            }
        }

        /// <summary>The seqs of the <c>Event</c>s in the next WebSocket message that holds any (pings skipped).</summary>
        public async Task<long[]> NextMessageWithEventsAsync(TimeSpan timeout)
        {
            while (true)
            {
                var seqs = new List<long>();
                foreach (var record in await ReadRecordsAsync(timeout))
                {
                    using var doc = JsonDocument.Parse(record);
                    var root = doc.RootElement;
                    if (root.GetProperty("type").GetInt32() == 1 && root.GetProperty("target").GetString() == "Event")
                    {
                        seqs.Add(root.GetProperty("arguments")[0].GetProperty("seq").GetInt64());
                    }
                }

                if (seqs.Count > 0) return [.. seqs];
            }
        }

        private Task SendAsync(string text) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(text + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        /// <summary>One WebSocket message, split into its SignalR records.</summary>
        private async Task<string[]> ReadRecordsAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            using var bytes = new MemoryStream();
            var buffer = new byte[16 * 1024];
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, cts.Token);
                Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
                bytes.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var text = Encoding.UTF8.GetString(bytes.ToArray());
            Assert.EndsWith(RecordSeparator.ToString(), text);
            return text.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
        }

        public void Dispose() => _socket.Dispose();
    }
}
