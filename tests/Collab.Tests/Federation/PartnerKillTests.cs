using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Collab.Federation;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Collab.Tests.Federation;

/// <summary>
/// The partner city as a real process on its own PostgreSQL database, killed with SIGKILL while the
/// origin (on another database) keeps reporting, and started again: everything arrives, in order, once.
/// What the origin sent is read from its outbox through the backfill API (signed as the partner);
/// what arrived is the partner's <c>partner:</c> stream, whose events carry the origin's event ids.
/// The soak (10,000 changes, three kills) is the load test's <c>--only federation-soak</c>: it runs
/// for minutes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PartnerKillTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task APartnerKilledWhileTheOriginKeepsReportingReceivesEverythingInOrderOnce()
    {
        var run = await StartAsync();
        try
        {
            var produced = run.ProduceAsync(total: 240, perSecond: 40, workers: 2);
            await run.UntilOutboxAsync(80);
            run.Partner.Kill();
            await Task.Delay(TimeSpan.FromSeconds(2));
            run.Partner.Dispose();
            run.Partner = await CityProcess.StartAsync(run.B);
            var commands = await produced;

            var report = await run.ReconcileAsync(commands, TimeSpan.FromSeconds(60));
            output.WriteLine(report.ToString());
            Assert.Equal((0, 0), (report.Lost, report.Duplicated));
            // All of it fits in the partner's stream: compared event by event.
            Assert.Equal(report.Outbox.Select(e => e.Id), report.Tail.Select(e => e.Get("eventId")));
            Assert.Equal(report.Outbox.Select(e => ((string?)e.IncidentId, (string?)e.Type)), report.Tail.Select(e => (e.Get("incident.id"), e.Get("change"))));
            Assert.Equal(Enumerable.Range(1, commands).Select(i => (long)i), report.Tail.Select(e => e.Seq));
        }
        finally
        {
            await run.DisposeAsync();
        }
    }

    private async Task<Run> StartAsync()
    {
        var a = new City("city-a", CityKey.New(), FreePorts.Next());
        var b = new City("city-b", CityKey.New(), FreePorts.Next());
        a.Partner(b, neighbourhoods: ["*"], categories: ["*"], audience: "public");
        b.Partner(a, neighbourhoods: ["*"], categories: ["*"], audience: "authorities");
        a.Set("Collab:Federation:MaxBackoff", "00:00:01");
        a.Set("Collab:Security:CommandsPerWindow", "100000");
        a.UsePostgres(await postgres.MigratedDatabaseAsync());
        b.UsePostgres(await postgres.MigratedDatabaseAsync());
        await a.StartAsync();
        return new Run(a, b, await CityProcess.StartAsync(b));
    }

    /// <summary>One entry of the origin's outbox for the partner, as the backfill API serves it.</summary>
    internal sealed record OutboxEntry(long Seq, string Id, string Type, string IncidentId);

    /// <summary>What arrived against what was sent.</summary>
    internal sealed record Reconciliation(int Commands, IReadOnlyList<OutboxEntry> Outbox, long AppliedThrough, long StreamHead, IReadOnlyList<WireEvent> Tail)
    {
        public long Lost => Outbox.Count - AppliedThrough;

        public long Duplicated => StreamHead - AppliedThrough;

        public override string ToString() =>
            $"shared events sent {Outbox.Count} (commands {Commands}), applied by the partner {AppliedThrough}, partner stream head {StreamHead}: lost {Lost}, duplicated {Duplicated}";
    }

    private sealed class Run(City a, City b, CityProcess partner) : IAsyncDisposable
    {
        private int _done;

        public City A { get; } = a;

        public City B { get; } = b;

        public CityProcess Partner { get; set; } = partner;

        /// <summary>
        /// Police of A report a few incidents per worker, then move them between acknowledged and
        /// resolved, paced to <paramref name="perSecond"/> in all: each command is one shared event.
        /// </summary>
        public async Task<int> ProduceAsync(int total, int perSecond, int workers)
        {
            var clock = Stopwatch.StartNew();
            var issued = -1;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
            {
                using var http = A.Http(await A.TokenAsync("police"));
                var incidents = new List<(string Id, bool Acknowledged)>();
                while (true)
                {
                    var n = Interlocked.Increment(ref issued);
                    if (n >= total) return;
                    var due = TimeSpan.FromSeconds((double)n / perSecond) - clock.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due);
                    if (incidents.Count < 5)
                    {
                        var created = await http.PostJsonAsync("/api/incidents", Sample.Report(n % 2 == 0 ? "noise" : "vandalism", $"Soak {w}-{n}"), $"soak-{n}");
                        incidents.Add(((await created.JsonAsync(HttpStatusCode.Created)).Str("id"), false));
                    }
                    else
                    {
                        var i = n % incidents.Count;
                        var (id, acknowledged) = incidents[i];
                        var status = acknowledged ? "resolved" : "acknowledged";
                        var changed = await http.PostJsonAsync($"/api/incidents/{id}/status", new { status }, $"soak-{n}");
                        Assert.True(changed.IsSuccessStatusCode, $"{status}: {(int)changed.StatusCode} {await changed.Content.ReadAsStringAsync()}");
                        incidents[i] = (id, !acknowledged);
                    }

                    Interlocked.Increment(ref _done);
                }
            }));
            return _done;
        }

        /// <summary>Waits until the origin has answered <paramref name="commands"/> shared commands.</summary>
        public async Task UntilOutboxAsync(int commands)
        {
            while (Volatile.Read(ref _done) < commands)
            {
                await Task.Delay(50);
            }
        }

        /// <summary>
        /// Waits until the partner has applied the origin's whole outbox (or <paramref name="timeout"/>),
        /// then reads both sides: the outbox through the backfill API, the partner's status and stream.
        /// </summary>
        public async Task<Reconciliation> ReconcileAsync(int commands, TimeSpan timeout)
        {
            var outbox = await OutboxAsync();
            Assert.Equal(commands, outbox.Count);
            Assert.Equal(Enumerable.Range(1, commands).Select(i => (long)i), outbox.Select(e => e.Seq));

            using var operatorB = B.Http(await B.TokenAsync("operator"));
            var until = DateTime.UtcNow + timeout;
            long applied;
            while (true)
            {
                var status = await (await operatorB.GetAsync("/federation/v1/status")).JsonAsync(HttpStatusCode.OK);
                applied = Assert.Single(status.GetProperty("partners").EnumerateArray()).GetProperty("inbound").GetProperty("appliedThrough").GetInt64();
                if (applied >= outbox.Count || DateTime.UtcNow > until) break;
                await Task.Delay(250);
            }

            await using var live = await LiveClient.ConnectAsync(B.Url, await B.TokenAsync("police"));
            var head = (await live.SubscribeAsync("partner:city-a")).CurrentSeq;
            await live.UnsubscribeAsync("partner:city-a");
            var from = Math.Max(0, head - 1_000);
            await live.SubscribeAsync("partner:city-a", from);
            var tail = new List<WireEvent>();
            while (tail.Count < head - from)
            {
                tail.Add(await live.NextAsync("partner:city-a", TimeSpan.FromSeconds(30)));
            }

            return new Reconciliation(commands, outbox, applied, head, tail);
        }

        /// <summary>The origin's outbox for B, page by page, read as B reads it back (signed with B's key).</summary>
        private async Task<IReadOnlyList<OutboxEntry>> OutboxAsync()
        {
            var signer = TestCities.Signer("city-b", TestCities.Options(B.Key, ("city-a", [A.Key.PublicPem])));
            using var http = A.Http();
            var entries = new List<OutboxEntry>();
            while (true)
            {
                var path = FederationSignature.StreamRequest("city-b", entries.Count, 100);
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.TryAddWithoutValidation("Authorization", signer.Sign("city-a", "GET", path, []));
                var batch = await (await http.SendAsync(request)).JsonAsync(HttpStatusCode.OK);
                var events = batch.GetProperty("events").EnumerateArray().ToList();
                entries.AddRange(events.Select(e => new OutboxEntry(e.GetProperty("seq").GetInt64(), e.Str("id"), e.Str("type"), e.GetProperty("incident").Str("id"))));
                if (events.Count == 0 || entries.Count >= batch.GetProperty("head").GetInt64()) return entries;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Partner.Dispose();
            await A.StopAsync();
        }
    }
}
