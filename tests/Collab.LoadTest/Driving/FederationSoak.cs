using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Collab.Federation;
using Collab.Hosting;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace Collab.LoadTest.Driving;

/// <summary>
/// The federation soak (<c>--only federation-soak</c>, never by default: it runs for minutes): two
/// cities as server children on two PostgreSQL databases; police of city A make 10,000 shared changes
/// at up to 200/s while city B's process is killed (SIGKILL) and started again three times. Then both
/// sides are read: what A sent from its outbox (through the read-back API, signed as B), what B applied
/// (its status), its <c>partner:city-a</c> stream's head (one event per applied change) and its last
/// 1,000 events' origin event ids against the outbox's. Prints lost and duplicated; F1 is 0 and 0.
/// </summary>
internal static class FederationSoak
{
    public const int Total = 10_000;
    private const double Rate = 200;
    private const int Workers = 10;

    public static async Task<(ResultRow Row, Targets.Verdict Verdict)> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        PostgresServer? server = null;
        if (string.IsNullOrWhiteSpace(options.Postgres))
        {
            if (!File.Exists(Path.Combine(PostgresServer.BinDirectory, "initdb")))
            {
                return (ResultRow.NotAvailable("federation-soak", "no --pg CONNSTRING and no PostgreSQL binaries"), new("F1", double.NaN, "F1=n/a", "skipped"));
            }

            server = await PostgresServer.StartNewAsync();
        }

        var admin = options.Postgres ?? server!.AdminConnectionString;
        var (nameA, databaseA) = await ThrowawayDatabase.CreateAsync(admin);
        var (nameB, databaseB) = await ThrowawayDatabase.CreateAsync(admin);
        var (urlA, urlB) = ($"http://127.0.0.1:{Serving.FreePort.Next()}", $"http://127.0.0.1:{Serving.FreePort.Next()}");
        using var keyA = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var keyB = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var envA = FederationBenchmark.City("city-a", urlA, keyA, "city-b", urlB, keyB);
        envA["COLLAB_LOADTEST_PG"] = databaseA;
        envA["Collab__Federation__MaxBackoff"] = "00:00:01";
        var envB = FederationBenchmark.City("city-b", urlB, keyB, "city-a", urlA, keyA);
        envB["COLLAB_LOADTEST_PG"] = databaseB;
        string[] serve = ["--serve", "collab", "--storage", "AdoNet"];
        var a = await ServerProcess.StartAsync(serve, envA, TimeSpan.FromSeconds(90));
        var b = await ServerProcess.StartAsync(serve, envB, TimeSpan.FromSeconds(90));
        try
        {
            var producer = new Producer(a.Url);
            var produced = producer.RunAsync(cancellationToken);
            for (var kill = 1; kill <= 3; kill++)
            {
                while (producer.Done < Total * kill / 4 && !produced.IsCompleted) await Task.Delay(50, cancellationToken);
                b.Kill();
                await b.DisposeAsync();
                Console.WriteLine($"  federation-soak: {clock.Elapsed.TotalSeconds:F1}s partner killed ({kill}) after {producer.Done} changes");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                b = await ServerProcess.StartAsync(serve, envB, TimeSpan.FromSeconds(90));
                Console.WriteLine($"  federation-soak: {clock.Elapsed.TotalSeconds:F1}s partner up again");
            }

            var (done, failed, producedIn) = await produced;
            var outbox = await OutboxAsync(urlA, urlB, keyA, keyB, cancellationToken);
            var applied = await AppliedAsync(b.Url, outbox.Count, TimeSpan.FromSeconds(120), cancellationToken);
            var (head, tail) = await StreamTailAsync(b.Url, cancellationToken);
            var lost = outbox.Count - applied;
            var duplicated = head - applied;
            var mismatched = tail.Count - outbox.TakeLast(tail.Count).Zip(tail).Count(p => p.First == p.Second);
            var rate = done / producedIn.TotalSeconds;
            var note = $"sent {outbox.Count} (commands {done}, failed {failed}), applied {applied}, stream head {head}: lost {lost}, duplicated {duplicated}; " +
                $"last {tail.Count} match the outbox but {mismatched}; origin {rate:F0}/s; 3 SIGKILLs; {clock.Elapsed.TotalSeconds:F0}s";
            var row = new ResultRow
            {
                Scenario = "federation-soak",
                Protocol = "json",
                N = 1,
                Load = $"{Total} changes, up to {Rate:F0}/s",
                OfferedPerSecond = Rate,
                Messages = done,
                Delivered = applied,
                Expected = outbox.Count,
                DeliveredPerSecond = rate,
                Errors = (int)(failed + Math.Abs(lost) + Math.Abs(duplicated) + mismatched),
                Note = note,
            };
            var ok = done == Total && failed == 0 && lost == 0 && duplicated == 0 && mismatched == 0 && outbox.Count == Total;
            return (row, new Targets.Verdict("F1", lost + duplicated, $"F1=lost {lost}, duplicated {duplicated}", ok ? "ok" : "miss"));
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            await ThrowawayDatabase.DropAsync(admin, nameA);
            await ThrowawayDatabase.DropAsync(admin, nameB);
            if (server is not null) await server.DisposeAsync();
        }
    }

    /// <summary>A's outbox for B, every entry's origin event id in seq order, read as B reads it back.</summary>
    private static async Task<List<string>> OutboxAsync(string urlA, string urlB, ECDsa keyA, ECDsa keyB, CancellationToken cancellationToken)
    {
        var o = new FederationOptions
        {
            SigningKey = keyB.ExportPkcs8PrivateKeyPem(),
            Partners = { ["city-a"] = new PartnerOptions { Url = urlA, PublicKey = keyA.ExportSubjectPublicKeyInfoPem(), Share = new ShareOptions { Neighbourhoods = ["*"], Categories = ["*"] } } },
        };
        var signer = new FederationSigner(new FederationKeys(Options.Create(o), Options.Create(new CityOptions { Id = "city-b" })), Options.Create(o), TimeProvider.System);
        using var http = Http.Create(new Uri(urlA));
        var ids = new List<string>();
        while (true)
        {
            var path = FederationSignature.StreamRequest("city-b", ids.Count, 100);
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Authorization", signer.Sign("city-a", "GET", path, []));
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var batch = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var events = batch.GetProperty("events").EnumerateArray().ToList();
            ids.AddRange(events.Select(e => e.GetProperty("id").GetString()!));
            if (events.Count == 0 || ids.Count >= batch.GetProperty("head").GetInt64()) return ids;
        }
    }

    /// <summary>B's <c>inbound.appliedThrough</c> once it reaches <paramref name="expected"/>, or when <paramref name="timeout"/> is up.</summary>
    private static async Task<long> AppliedAsync(Uri partner, int expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = Http.Create(partner);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, "operator"));
        var until = Stopwatch.StartNew();
        while (true)
        {
            var status = await http.GetFromJsonAsync<JsonElement>("/federation/v1/status", cancellationToken);
            var applied = status.GetProperty("partners")[0].GetProperty("inbound").GetProperty("appliedThrough").GetInt64();
            if (applied >= expected || until.Elapsed > timeout) return applied;
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>B's <c>partner:city-a</c> head and the origin event ids of its last (at most) 1,000 events.</summary>
    private static async Task<(long Head, List<string> Tail)> StreamTailAsync(Uri partner, CancellationToken cancellationToken)
    {
        using var http = Http.Create(partner);
        var token = await TokenAsync(http, "police");
        var events = Channel.CreateUnbounded<JsonElement>();
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(partner, $"/hubs/collab?access_token={Uri.EscapeDataString(token)}")).Build();
        hub.On<JsonElement>("Event", e => events.Writer.TryWrite(e));
        await hub.StartAsync(cancellationToken);
        var head = (await hub.InvokeAsync<JsonElement>("Subscribe", "partner:city-a", (long?)null, cancellationToken)).GetProperty("currentSeq").GetInt64();
        await hub.InvokeAsync("Unsubscribe", "partner:city-a", cancellationToken);
        var from = Math.Max(0, head - 1_000);
        await hub.InvokeAsync<JsonElement>("Subscribe", "partner:city-a", from, cancellationToken);
        var tail = new List<string>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (tail.Count < head - from)
        {
            var e = await events.Reader.ReadAsync(timeout.Token);
            tail.Add(e.GetProperty("data").GetProperty("eventId").GetString()!);
        }

        return (head, tail);
    }

    private static async Task<string> TokenAsync(HttpClient http, string role)
    {
        using var response = await http.PostAsJsonAsync("/dev/token", new { sub = $"{role}-soak-{Guid.NewGuid():N}", role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>
    /// Police of A: each worker reports five incidents, then moves them between acknowledged and
    /// resolved; every command is one shared change. Paced to <see cref="Rate"/> in all.
    /// </summary>
    private sealed class Producer(Uri origin)
    {
        private int _done;
        private int _failed;

        public int Done => Volatile.Read(ref _done);

        public async Task<(int Done, int Failed, TimeSpan Elapsed)> RunAsync(CancellationToken cancellationToken)
        {
            using var http = Http.Create(origin);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, "police"));
            var clock = Stopwatch.StartNew();
            var issued = -1;
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(async w =>
            {
                var incidents = new List<(string Id, bool Acknowledged)>();
                while (true)
                {
                    var n = Interlocked.Increment(ref issued);
                    if (n >= Total) return;
                    var due = TimeSpan.FromSeconds(n / Rate) - clock.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due, cancellationToken);
                    HttpResponseMessage response;
                    if (incidents.Count < 5)
                    {
                        response = await SendAsync(http, "/api/incidents", new { category = n % 2 == 0 ? "noise" : "vandalism", description = $"Soak {w}-{n}", location = new { lat = 52.0705, lon = 4.2806 } }, n, cancellationToken);
                        if (response.IsSuccessStatusCode) incidents.Add(((await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!, false));
                    }
                    else
                    {
                        var i = n % incidents.Count;
                        var (id, acknowledged) = incidents[i];
                        response = await SendAsync(http, $"/api/incidents/{id}/status", new { status = acknowledged ? "resolved" : "acknowledged" }, n, cancellationToken);
                        if (response.IsSuccessStatusCode) incidents[i] = (id, !acknowledged);
                    }

                    Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _done : ref _failed);
                    response.Dispose();
                }
            }));
            return (_done, _failed, clock.Elapsed);
        }

        private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, object body, int n, CancellationToken cancellationToken)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", $"soak-{n}");
            return http.SendAsync(request, cancellationToken);
        }
    }
}
