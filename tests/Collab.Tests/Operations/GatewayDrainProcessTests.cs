using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Collab.Tests.Operations;

/// <summary>
/// Issue 11's acceptance test of the gateway drain, with real processes: one silo, gateways A and
/// B; clients on A follow incidents while commands go through B; A gets SIGTERM; every client moves
/// to B when told and misses nothing.
/// </summary>
public sealed class GatewayDrainProcessTests(ITestOutputHelper output)
{
    /// <summary>The figure; the test process, a silo and two gateways share two cores and still finish in about 20 s.</summary>
    private const int Clients = 200;

    private const int Incidents = 20;

    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);

    private const int MaxReconnectDelayMs = 3_000;

    [Fact]
    public async Task OnSigtermEveryClientMovesToTheOtherGatewayAndSeesEveryEventOnceInOrder()
    {
        var clusterId = "drain-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string>
        {
            ["Collab__Shutdown__Drain"] = Drain.ToString(),
            ["Collab__Shutdown__MaxReconnectDelayMs"] = MaxReconnectDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // All clients are one user from one address; the limits are not under test here.
            ["Collab__Security__MaxConnectionsPerUser"] = "1000",
            ["Collab__Security__HubConnectsPerWindow"] = "100000",
            ["Collab__Security__CommandsPerWindow"] = "100000",
            ["Collab__Security__HubInvocationsPerWindow"] = "100000",
            ["Collab__Security__AnonymousReadsPerWindow"] = "100000",
        };
        using var silo = SiloProcess.StartLocalhost(clusterId);
        using var a = GatewayProcess.Start(silo, clusterId, settings);
        using var b = GatewayProcess.Start(silo, clusterId, settings);
        var total = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(a.WaitReadyAsync(TimeSpan.FromSeconds(60)), b.WaitReadyAsync(TimeSpan.FromSeconds(60)));
            output.WriteLine($"Processes ready after {total.Elapsed.TotalSeconds:0.0} s");
            using var httpB = new HttpClient { BaseAddress = b.Url };
            var reader = await TokenAsync(httpB, "police-reader");
            var writer = await TokenAsync(httpB, "police-writer");
            httpB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", writer);
            var ids = new List<string>();
            for (var i = 0; i < Incidents; i++)
            {
                ids.Add((await (await httpB.PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id"));
            }

            var clients = new List<DrainingClient>();
            for (var i = 0; i < Clients; i++)
            {
                clients.Add(await DrainingClient.StartAsync(a.Url, b.Url, reader, $"incident:{ids[i % Incidents]}"));
            }

            output.WriteLine($"{Clients} clients subscribed on A after {total.Elapsed.TotalSeconds:0.0} s");

            using var stopCommands = new CancellationTokenSource();
            var commands = SteadyCommandsAsync(httpB, ids, stopCommands.Token);
            await Task.Delay(TimeSpan.FromSeconds(1));

            var drained = Stopwatch.StartNew();
            a.Terminate();
            var bound = Drain;
            while (clients.Any(c => !c.IsOnB) && drained.Elapsed < bound)
            {
                await Task.Delay(100);
            }

            var onB = clients.Count(c => c.IsOnB);
            output.WriteLine($"{onB}/{Clients} clients on B {drained.Elapsed.TotalSeconds:0.0} s after SIGTERM; " +
                $"{clients.Count(c => c.ToldToReconnect)} were told to reconnect, {clients.Count(c => c.MovedOnClose)} moved on close");
            Assert.True(onB == Clients, $"Only {onB} of {Clients} clients were on B within {bound.TotalSeconds} s.\n{a.Output}");
            Assert.All(clients, c => Assert.InRange(c.AfterMs ?? 0, 0, MaxReconnectDelayMs));
            Assert.True(clients.Count(c => c.ToldToReconnect) == Clients, $"Not every client was told to reconnect.\n{a.Output}");

            using (var exit = new CancellationTokenSource(Drain + TimeSpan.FromSeconds(10)))
            {
                await a.WaitForExitAsync(exit.Token);
            }

            output.WriteLine($"A exited {drained.Elapsed.TotalSeconds:0.0} s after SIGTERM");

            // Commands go on a moment with everyone on B, then stop.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stopCommands.CancelAsync();
            var acknowledged = await commands;
            output.WriteLine($"{acknowledged} commands acknowledged through B");
            Assert.True(acknowledged > 20, $"Only {acknowledged} commands were acknowledged.");

            using var readB = new HttpClient { BaseAddress = b.Url };
            readB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", reader);
            var truth = new Dictionary<string, List<(long Seq, string Id)>>();
            foreach (var id in ids)
            {
                var page = await (await readB.GetAsync($"/api/incidents/{id}/events")).JsonAsync(HttpStatusCode.OK);
                Assert.False(page.GetProperty("truncated").GetBoolean());
                truth[$"incident:{id}"] = page.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("seq").GetInt64(), e.Str("id"))).ToList();
            }

            var settled = Stopwatch.StartNew();
            while (clients.Any(c => c.Received.Count < truth[c.Stream].Count) && settled.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }

            foreach (var client in clients)
            {
                Assert.Equal(truth[client.Stream], client.Received);
            }

            output.WriteLine($"Every client saw every event of its stream once, in order; {total.Elapsed.TotalSeconds:0.0} s in all");
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
        catch
        {
            output.WriteLine($"Gateway A:\n{a.Output}\nGateway B:\n{b.Output}\nSilo:\n{silo.Output}");
            throw;
        }
    }

    /// <summary>A note every 20 ms, round robin over the incidents, each retried with its idempotency key until acknowledged.</summary>
    private static async Task<int> SteadyCommandsAsync(HttpClient http, List<string> ids, CancellationToken stop)
    {
        var acknowledged = 0;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = Guid.NewGuid().ToString();
            while (true)
            {
                var response = await http.PostJsonAsync($"/api/incidents/{ids[n % ids.Count]}/notes", new { text = $"note {n}", visibility = "police" }, key);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged++;
                    break;
                }

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                await Task.Delay(50, CancellationToken.None);
            }

            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return acknowledged;
    }

    private static async Task<string> TokenAsync(HttpClient http, string sub)
    {
        var response = await http.PostAsJsonAsync("/dev/token", new { sub, role = "police" });
        return (await response.JsonAsync(HttpStatusCode.OK)).Str("token");
    }

    /// <summary>
    /// A client as the contract asks it to behave: it records the events of one stream; on
    /// <c>Reconnect</c> it waits <c>afterMs</c> (on a close, not at all), connects to the other
    /// gateway, leaves the old one and re-subscribes with the last <c>seq</c> it saw.
    /// </summary>
    private sealed class DrainingClient : IAsyncDisposable
    {
        private readonly Uri _other;
        private readonly string _token;
        private readonly List<(long Seq, string Id)> _received = [];
        private HubConnection _current;
        private int _moving;

        private DrainingClient(HubConnection first, Uri other, string token, string stream)
        {
            _current = first;
            _other = other;
            _token = token;
            Stream = stream;
        }

        public string Stream { get; }

        public int? AfterMs { get; private set; }

        public bool ToldToReconnect => AfterMs is not null;

        public bool MovedOnClose { get; private set; }

        public bool IsOnB { get; private set; }

        public List<(long Seq, string Id)> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public static async Task<DrainingClient> StartAsync(Uri gateway, Uri other, string token, string stream)
        {
            var connection = Connect(gateway, token);
            var client = new DrainingClient(connection, other, token, stream);
            client.Listen(connection);
            connection.On<WireReconnect>("Reconnect", r =>
            {
                client.AfterMs = r.AfterMs;
                _ = client.MoveAsync(TimeSpan.FromMilliseconds(r.AfterMs));
            });
            connection.Closed += _ =>
            {
                client.MovedOnClose = Volatile.Read(ref client._moving) == 0;
                return client.MoveAsync(TimeSpan.Zero);
            };
            await connection.StartAsync();
            await connection.InvokeAsync<WireSubscribeResult>("Subscribe", stream, 0L);
            return client;
        }

        private static HubConnection Connect(Uri gateway, string token) => new HubConnectionBuilder()
            .WithUrl(new Uri(gateway, "/hubs/collab"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();

        private void Listen(HubConnection connection) => connection.On<WireEvent>("Event", e =>
        {
            lock (_received)
            {
                // Only the connection the client follows counts; it has left the other.
                if (ReferenceEquals(connection, _current))
                {
                    _received.Add((e.Seq, e.Id));
                }
            }
        });

        private async Task MoveAsync(TimeSpan after)
        {
            if (Interlocked.Exchange(ref _moving, 1) == 1)
            {
                return;
            }

            await Task.Delay(after);
            var next = Connect(_other, _token);
            Listen(next);
            await next.StartAsync();
            var old = _current;
            long lastSeq;
            lock (_received)
            {
                _current = next;
                lastSeq = _received.Count == 0 ? 0 : _received[^1].Seq;
            }

            await old.DisposeAsync();
            await next.InvokeAsync<WireSubscribeResult>("Subscribe", Stream, lastSeq);
            IsOnB = true;
        }

        public async ValueTask DisposeAsync() => await _current.DisposeAsync();
    }
}
