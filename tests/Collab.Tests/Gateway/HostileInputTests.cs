using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>
/// Bounded fuzzing of a running gateway: random and malformed hub frames and REST bodies. The
/// gateway stays up, answers with clear client errors (never a 5xx), and no state changes.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HostileInputTests(GatewayFixture fx)
{
    private const char RecordSeparator = '\u001e';

    [Fact]
    public async Task RandomAndMalformedHubFramesNeitherCrashTheGatewayNorChangeState()
    {
        var random = new Random(20261128);
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var id = (await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var headBefore = await Head(police.Token, id);

        var frames = new List<string>
        {
            "not json at all",
            "{",
            "{\"type\":1}",
            "{\"type\":1,\"target\":\"DropDatabase\",\"arguments\":[]}",
            "{\"type\":1,\"target\":\"Subscribe\",\"arguments\":[42,\"x\"]}",
            "{\"type\":1,\"target\":\"Subscribe\",\"arguments\":[{\"a\":1},null]}",
            "{\"type\":1,\"target\":\"Subscribe\",\"arguments\":[\"me\",\"yesterday\"]}",
            "{\"type\":1,\"target\":\"Subscribe\",\"arguments\":[\"me\",null,\"extra\",1,2,3]}",
            "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Subscribe\",\"arguments\":[\"incident:" + id + "\",-1]}",
            "{\"type\":1,\"invocationId\":\"2\",\"target\":\"Subscribe\",\"arguments\":[\"" + new string('x', 5_000) + "\",null]}",
            "{\"type\":4,\"invocationId\":\"3\",\"target\":\"Subscribe\",\"arguments\":[\"me\",null]}",
            "{\"type\":99}",
            "{\"type\":1,\"invocationId\":\"4\",\"target\":\"Unsubscribe\",\"arguments\":[\"../../etc/passwd\"]}",
            "{\"type\":1,\"invocationId\":\"5\",\"target\":\"Subscribe\",\"arguments\":[\"" + new string('y', 40_000) + "\",null]}",
        };
        for (var i = 0; i < 60; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            frames.Add(Encoding.Latin1.GetString(bytes).Replace(RecordSeparator, ' '));
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var frame in frames)
        {
            Assert.True(DateTime.UtcNow < deadline, "The fuzz run is bounded in time.");
            await SendOnFreshConnectionAsync(citizen.Token, frame);
        }

        using var http = fx.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        await using var client = await LiveClient.ConnectAsync(fx.GatewayA, citizen.Token);
        Assert.Equal(headBefore, (await client.SubscribeAsync($"incident:{id}", 0)).CurrentSeq);
        Assert.Equal(headBefore, await Head(police.Token, id));
    }

    [Fact]
    public async Task RandomRestBodiesGetClientErrorsAndChangeNothing()
    {
        var random = new Random(424242);
        var citizen = await fx.UserAsync("citizen");
        var police = await fx.UserAsync("police");
        var id = (await (await fx.Http(citizen.Token).PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
        var headBefore = await Head(police.Token, id);
        var fuzzer = await fx.UserAsync("police");
        using var http = fx.Http(fuzzer.Token);
        string[] paths = [$"/api/incidents/{id}/notes", $"/api/incidents/{id}/status", $"/api/incidents/{id}/assign", $"/api/incidents/{id}/moderation"];

        for (var i = 0; i < 50; i++)
        {
            var path = paths[random.Next(paths.Length)];
            var body = i % 5 == 0 ? Garbage(random) : RandomJson(random, depth: 0)?.ToJsonString() ?? "null";
            var response = await http.PostRawAsync(path, body);
            var status = (int)response.StatusCode;
            if (status == 200)
            {
                Assert.Fail($"Random body {body} to {path} was accepted.");
            }

            Assert.True(status is >= 400 and < 500, $"{path} answered {status} to {body}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(headBefore, await Head(police.Token, id));
        var view = await (await fx.Http(police.Token).GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("reported", view.Str("status"));
    }

    private async Task SendOnFreshConnectionAsync(string token, string frame)
    {
        using var socket = new ClientWebSocket();
        var uri = new UriBuilder(fx.GatewayA) { Scheme = "ws", Path = "/hubs/collab", Query = $"access_token={token}" }.Uri;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(uri, cts.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator), WebSocketMessageType.Text, true, cts.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(frame + RecordSeparator), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[64 * 1024];
        try
        {
            // Read whatever the server answers (handshake, completion, close) until it closes or goes quiet.
            while (socket.State == WebSocketState.Open)
            {
                using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                var result = await socket.ReceiveAsync(buffer, quiet.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The server kept the connection open and said nothing more: also a valid answer.
        }
        catch (WebSocketException)
        {
            // The server dropped a connection that broke the protocol: the expected answer to garbage.
        }
    }

    private async Task<long> Head(string token, string id) =>
        (await (await fx.Http(token).GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK)).GetProperty("head").GetInt64();

    private static string Garbage(Random random)
    {
        var bytes = new byte[random.Next(1, 200)];
        random.NextBytes(bytes);
        return Encoding.Latin1.GetString(bytes);
    }

    /// <summary>Random JSON of random shape: the field names the API uses, with values of every type, including wrong ones.</summary>
    private static JsonNode? RandomJson(Random random, int depth)
    {
        string[] names = ["text", "visibility", "status", "unit", "eventId", "action", "reason", "language", "x"];
        switch (random.Next(depth > 2 ? 5 : 7))
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(int.MinValue, int.MaxValue));
            case 2: return JsonValue.Create(random.NextDouble() * 1e6);
            case 3: return JsonValue.Create(random.Next(2) == 0);
            case 4: return JsonValue.Create(new string((char)random.Next(32, 0x2FFF), random.Next(0, 3_000)));
            case 5:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--) array.Add(RandomJson(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                foreach (var name in names.OrderBy(_ => random.Next()).Take(random.Next(1, names.Length)))
                {
                    obj[name] = RandomJson(random, depth + 1);
                }

                return obj;
        }
    }
}
