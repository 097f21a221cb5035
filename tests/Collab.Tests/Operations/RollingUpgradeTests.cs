using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Collab.Silo.Persistence;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Collab.Tests.Operations;

/// <summary>
/// A rolling upgrade of the silos under load, as Kubernetes runs one (maxSurge 1, maxUnavailable
/// 0): three silo processes on PostgreSQL, a gateway, subscribed clients and steady commands with
/// idempotency keys; each silo in turn is replaced (a new one started and ready, then the old one
/// sent SIGTERM and gone). Nothing acknowledged is lost or doubled, every subscriber holds every
/// event once and in order, and the only errors clients see are 503s they retry.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RollingUpgradeTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Incidents = 4;
    private const int Subscribers = 10;
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task ReplacingEverySiloOneAtATimeUnderLoadLosesAndDoublesNothing()
    {
        var budget = Stopwatch.StartNew();
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);
        var silos = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(SiloProcess.Start(hosts));
            }

            foreach (var silo in silos)
            {
                await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
            }

            var (gateway, url) = await hosts.StartGatewayAsync(new() { ["Collab:Cluster:ResponseTimeout"] = SiloProcess.FailoverResponseTimeout });
            try
            {
                await RollUnderLoadAsync(url, hosts, silos);
            }
            finally
            {
                await gateway.StopAsync();
                await gateway.DisposeAsync();
            }

            Assert.True(budget.Elapsed < TimeSpan.FromSeconds(150), $"The rolling upgrade test took {budget.Elapsed}.");
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Dispose();
            }
        }
    }

    private async Task RollUnderLoadAsync(Uri url, AdoNetHosts hosts, List<SiloProcess> silos)
    {
        var connectionString = hosts.ConnectionString;
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(40) };
        var token = await FailoverCommands.PoliceTokenAsync(http);
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);

        var ids = new List<string>();
        for (var i = 0; i < Incidents; i++)
        {
            var created = await FailoverCommands.SendAsync(http, "/api/incidents", Sample.Report(description: $"Rolling {i}"), $"roll-report-{i}");
            ids.Add((await created.Response.JsonAsync(HttpStatusCode.Created)).Str("id"));
        }

        var clients = new List<LiveClient>();
        for (var c = 0; c < Subscribers; c++)
        {
            var client = await LiveClient.ConnectAsync(url, token, messagePack: c % 2 == 1);
            foreach (var id in ids)
            {
                await client.SubscribeAsync($"incident:{id}", 0);
            }

            clients.Add(client);
        }

        try
        {
            // Steady commands, each retried with its key until acknowledged; latencies by phase.
            var phase = (int)Phase.Before;
            var latencies = new ConcurrentDictionary<Phase, ConcurrentBag<double>>();
            var acknowledged = new ConcurrentDictionary<string, ConcurrentBag<string>>();
            using var stop = new CancellationTokenSource();
            var traffic = ids.Select(id => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var text = $"note {n} on {id}";
                    var at = (Phase)Volatile.Read(ref phase);
                    var sent = await FailoverCommands.SendAsync(http, $"/api/incidents/{id}/notes", new { text, visibility = "police" }, $"roll-{id}-{n}", TimeSpan.FromMilliseconds(100));
                    acknowledged.GetOrAdd(id, _ => []).Add(text);
                    latencies.GetOrAdd(at, _ => []).Add(sent.Elapsed.TotalMilliseconds);
                    await Task.Delay(20);
                }
            })).ToList();

            await Task.Delay(Steady);
            Volatile.Write(ref phase, (int)Phase.Rolling);
            for (var i = 0; i < 3; i++)
            {
                var replacement = SiloProcess.Start(hosts);
                silos.Add(replacement);
                await replacement.WaitReadyAsync(TimeSpan.FromSeconds(60));
                var old = silos[i];
                old.Terminate();
                Assert.True(await old.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"Silo {i} did not stop within 60 s of SIGTERM:\n{old.Output}");
            }

            Volatile.Write(ref phase, (int)Phase.After);
            await Task.Delay(Steady);
            await stop.CancelAsync();
            await Task.WhenAll(traffic);
            Assert.All(silos.Skip(3), s => Assert.False(s.HasExited, s.Output));

            // Every acknowledged note is in the log, once.
            foreach (var id in ids)
            {
                var logged = await FailoverCommands.LoggedNotesAsync(connectionString, id);
                Assert.Equal(acknowledged[id].Order(StringComparer.Ordinal), logged.Order(StringComparer.Ordinal));
            }

            // Every subscriber holds every event of every stream once and in order (resuming with
            // its last seq if its stream went quiet on it, as a client does).
            foreach (var client in clients)
            {
                foreach (var id in ids)
                {
                    var stream = $"incident:{id}";
                    var head = 1 + acknowledged[id].Count;
                    var seen = new List<long>();
                    var resumed = false;
                    while (seen.Count == 0 || seen[^1] < head)
                    {
                        try
                        {
                            seen.Add((await client.NextAsync(stream, TimeSpan.FromSeconds(5))).Seq);
                        }
                        catch (TimeoutException) when (!resumed)
                        {
                            resumed = true;
                            await client.SubscribeAsync(stream, seen.Count == 0 ? 0 : seen[^1]);
                        }
                    }

                    Assert.Equal(Enumerable.Range(1, head).Select(s => (long)s), seen);
                }
            }

            var before = Percentiles(latencies.GetValueOrDefault(Phase.Before));
            var rolling = Percentiles(latencies.GetValueOrDefault(Phase.Rolling));
            var after = Percentiles(latencies.GetValueOrDefault(Phase.After));
            output.WriteLine($"rolling upgrade of 3 silos under load: commands before {before}; during the roll {rolling}; after {after}");
            Console.WriteLine($"rolling upgrade of 3 silos under load: commands before {before}; during the roll {rolling}; after {after}");
            Assert.True(latencies.GetValueOrDefault(Phase.Rolling)?.Count > 0, "No command ran during the roll.");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private enum Phase
    {
        Before,
        Rolling,
        After,
    }

    private static string Percentiles(ConcurrentBag<double>? samples)
    {
        if (samples is null || samples.IsEmpty)
        {
            return "none";
        }

        var sorted = samples.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return $"n={sorted.Length}, p50 {At(0.5):0} ms, p99 {At(0.99):0} ms, max {sorted[^1]:0} ms";
    }
}
