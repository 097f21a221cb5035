using System.Net;
using Collab.Realtime;
using Collab.Gateway.Realtime;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.Gateway;

/// <summary>
/// One client that stops reading its socket (but stays connected) must not hold up anyone else:
/// not the other subscribers of its stream, not a subscribe, not the gateway's renewals.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SlowConsumerTests(GatewayFixture fx)
{
    /// <summary>A note's longest text: a few hundred of them fill a stalled client's buffers.</summary>
    private static readonly string LongText = new('x', 1_990);

    /// <summary>How long a healthy subscriber may wait for any one event.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AClientThatStopsReadingDoesNotHoldUpTheOtherSubscribersOfItsStreamNorRenewals()
    {
        await using var system = await SlowSystem.StartAsync(fx);
        var stream = await system.IncidentAsync();
        await using var healthy = await LiveClient.ConnectAsync(system.Url, system.Police.Token);
        await healthy.SubscribeAsync(stream);
        await using var stalled = await StalledHubClient.ConnectAsync(system.Url, (await fx.UserAsync("police")).Token);
        await stalled.SubscribeAsync(stream);
        stalled.Stall();

        // Officers post notes as fast as they can, enough to fill the stalled client's socket and
        // pipe several times over, while the gateway renews its streams and the healthy client reads.
        const int notes = 300;
        var acknowledged = new DateTime[notes + 1];
        var arrived = new List<(long Seq, int Note, DateTime At)>();
        var reading = Task.Run(async () =>
        {
            while (arrived.Count < notes)
            {
                var e = await healthy.NextAsync(stream, "incident.note_added", TimeSpan.FromSeconds(60));
                arrived.Add((e.Seq, int.Parse(e.Get("note.text")!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), DateTime.UtcNow));
            }
        });
        using var posted = new CancellationTokenSource();
        var renewing = Task.Run(async () =>
        {
            var slowest = TimeSpan.Zero;
            while (!posted.IsCancellationRequested)
            {
                var started = DateTime.UtcNow;
                await system.Streams.RenewAllAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
                slowest = DateTime.UtcNow - started > slowest ? DateTime.UtcNow - started : slowest;
                await Task.Delay(200);
            }

            return slowest;
        });
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= notes)
            {
                await system.NoteAsync(stream, n);
                acknowledged[n] = DateTime.UtcNow;
            }
        })));
        await posted.CancelAsync();

        await reading.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(2, notes).Select(s => (long)s), arrived.Select(a => a.Seq));
        var late = arrived.Select(a => (a.Note, Late: a.At - acknowledged[a.Note])).MaxBy(a => a.Late);
        Assert.True(late.Late <= Bound, $"Note {late.Note} reached the healthy subscriber {late.Late.TotalSeconds:0.0} s after it was acknowledged.");

        // Renewal went over every stream this gateway follows, the stalled one included, and never waited for it.
        var slowestRenewal = await renewing;
        Assert.True(slowestRenewal <= Bound, $"A renewal took {slowestRenewal.TotalSeconds:0.0} s.");
        await healthy.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task AClientThatStopsReadingDuringItsReplayDoesNotHoldUpTheStream()
    {
        await using var system = await SlowSystem.StartAsync(fx);
        var stream = await system.IncidentAsync();
        for (var i = 1; i <= 300; i++)
        {
            await system.NoteAsync(stream, i);
        }

        await using var healthy = await LiveClient.ConnectAsync(system.Url, system.Police.Token);
        var head = (await healthy.SubscribeAsync(stream)).CurrentSeq;

        // Asks for the whole history and never reads it.
        await using var stalled = await StalledHubClient.ConnectAsync(system.Url, (await fx.UserAsync("police")).Token);
        await stalled.SendSubscribeAsync(stream, afterSeq: 0);
        stalled.Stall();
        await Task.Delay(500);

        for (var i = 301; i <= 340; i++)
        {
            await system.NoteAsync(stream, i);
            var e = await healthy.NextAsync(stream, "incident.note_added", Bound);
            Assert.Equal(++head, e.Seq);
        }

        // A newcomer's subscribe is not held up either.
        await using var late = await LiveClient.ConnectAsync(system.Url, system.Police.Token);
        var result = await late.SubscribeAsync(stream).WaitAsync(Bound);
        Assert.Equal(head, result.CurrentSeq);
        await system.Streams.RenewAllAsync(CancellationToken.None).WaitAsync(Bound);
    }

    [Fact]
    public async Task AClientThatFallsTooFarBehindIsCutOffAndResumesWithEverythingItMissedOnceAndInOrder()
    {
        await using var system = await SlowSystem.StartAsync(fx);
        var stream = await system.IncidentAsync();
        await using var healthy = await LiveClient.ConnectAsync(system.Url, system.Police.Token);
        await healthy.SubscribeAsync(stream);
        await using var stalled = await StalledHubClient.ConnectAsync(system.Url, (await fx.UserAsync("police")).Token);
        await stalled.SubscribeAsync(stream);
        stalled.Stall();
        // The meter is the process's: read it on the fixture's gateway.
        using var metrics = fx.Http();
        const string cutOffs = "collab_hub_cutoffs_total";
        var before = MetricsScrape.Parse(await MetricsScrape.TextAsync(metrics)).GetValueOrDefault(cutOffs);

        var head = 1L;
        var started = DateTime.UtcNow;
        for (var i = 1; i <= 300 || (DateTime.UtcNow - started < SlowSystem.MaxLag * 2 && i <= 1_000); i++)
        {
            await system.NoteAsync(stream, i);
            Assert.Equal(++head, (await healthy.NextAsync(stream, "incident.note_added", Bound)).Seq);
        }

        // It lagged past the bound: the gateway cut it off (it did not wait for SignalR's own
        // transport send timeout), and says so.
        Assert.True(await stalled.ReadUntilClosedAsync(Bound), "The stalled client is still connected.");
        Assert.Contains(system.Log.Lines, l => l.Contains("cut off", StringComparison.Ordinal));
        var counted = await MetricsScrape.UntilAsync(metrics, m => m.GetValueOrDefault(cutOffs) > before);
        Assert.True(counted.GetValueOrDefault(cutOffs) > before, $"{cutOffs} did not move.");

        // What it did read is the stream's prefix, in order, once.
        var seen = stalled.Seqs;
        Assert.Equal(Enumerable.Range(2, seen.Count).Select(s => (long)s), seen);
        Assert.True(seen.Count < head - 1, "The stalled client received everything; nothing was tested.");

        // It reconnects and resumes from its last seq: the rest arrives exactly once, in order.
        var last = seen.Count == 0 ? 1 : seen[^1];
        await using var resumed = await LiveClient.ConnectAsync(system.Url, system.Police.Token);
        var result = await resumed.SubscribeAsync(stream, afterSeq: last);
        Assert.Equal(head, result.CurrentSeq);
        Assert.Equal(head - last, result.Replayed);
        for (var seq = last + 1; seq <= head; seq++)
        {
            Assert.Equal(seq, (await resumed.NextAsync(stream, Bound)).Seq);
        }

        await system.NoteAsync(stream, 0);
        Assert.Equal(head + 1, (await resumed.NextAsync(stream, "incident.note_added", Bound)).Seq);
        await resumed.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task RenewalLeavesAStreamWhoseGateIsHeldToTheNextTickSaysSoOnceAndRenewsTheOthers()
    {
        // Renewal only when this test asks for it.
        await using var system = await SlowSystem.StartAsync(fx, new() { ["Collab:Realtime:ResubscribeInterval"] = "00:10:00" });
        var held = await system.IncidentAsync();
        var other = await system.IncidentAsync();
        await using var client = await LiveClient.ConnectAsync(system.Url, system.Police.Token);
        await client.SubscribeAsync(held);
        await client.SubscribeAsync(other);
        Assert.True(StreamNames.TryParse(held, out var heldName));
        Assert.True(StreamNames.TryParse(other, out var otherName));
        var heldStream = system.Streams.Find(heldName)!;
        var otherStream = system.Streams.Find(otherName)!;

        await heldStream.Gate.WaitAsync();
        try
        {
            for (var tick = 0; tick < 2; tick++)
            {
                otherStream.Registered = false;
                await system.Streams.RenewAllAsync(CancellationToken.None).WaitAsync(Bound);
                Assert.True(otherStream.Registered, "The other stream was not renewed.");
            }

            Assert.Single(system.Log.Lines, l => l.Contains("left to the next tick", StringComparison.Ordinal) && l.Contains(held, StringComparison.Ordinal));
        }
        finally
        {
            heldStream.Gate.Release();
        }

        // Once free, it is renewed again and delivers.
        heldStream.Registered = false;
        await system.Streams.RenewAllAsync(CancellationToken.None).WaitAsync(Bound);
        Assert.True(heldStream.Registered);
        await system.NoteAsync(held, 1);
        Assert.Equal(2, (await client.NextAsync(held, "incident.note_added", Bound)).Seq);
    }

    /// <summary>A gateway of its own, with a short lag bound and no command limit, and a police officer posting notes.</summary>
    private sealed class SlowSystem : IAsyncDisposable
    {
        public static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(2);

        private WebApplication _app = null!;
        private HttpClient _http = null!;
        private GatewayFixture _fx = null!;

        public Uri Url { get; private set; } = null!;

        public TestUser Police { get; private set; } = null!;

        public CapturingLoggerProvider Log { get; } = new();

        public LiveStreams Streams => _app.Services.GetRequiredService<LiveStreams>();

        public static async Task<SlowSystem> StartAsync(GatewayFixture fx, Dictionary<string, string?>? overrides = null)
        {
            var system = new SlowSystem { _fx = fx };
            var settings = new Dictionary<string, string?>
            {
                ["Collab:Security:CommandsPerWindow"] = "100000",
                ["Collab:Realtime:MaxConnectionLag"] = MaxLag.ToString(),
            };
            foreach (var (key, value) in overrides ?? [])
            {
                settings[key] = value;
            }

            (system._app, system.Url) = await fx.StartGatewayAsync(settings, b =>
            {
                b.Logging.AddProvider(system.Log);
                // Accepted sockets inherit the listener's send buffer: small and fixed, rather than
                // autotuned to megabytes, so a stalled reader backs up into the gateway quickly.
                b.WebHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
                {
                    var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                    socket.SendBufferSize = 16 * 1024;
                    return socket;
                });
            });
            system.Police = await fx.UserAsync("police");
            system._http = new HttpClient { BaseAddress = system.Url };
            system._http.DefaultRequestHeaders.Authorization = new("Bearer", system.Police.Token);
            return system;
        }

        /// <summary>A new incident's stream; its first event (seq 1) is the report.</summary>
        public async Task<string> IncidentAsync()
        {
            var reporter = await _fx.UserAsync("citizen");
            using var http = _fx.Http(reporter.Token);
            var id = (await (await http.PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
            return $"incident:{id}";
        }

        public async Task NoteAsync(string stream, int n) =>
            await (await _http.PostJsonAsync($"/api/{stream.Replace("incident:", "incidents/", StringComparison.Ordinal)}/notes",
                new { text = $"{n} {LongText}", visibility = "police" })).JsonAsync(HttpStatusCode.OK);

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            Log.Dispose();
        }
    }
}
