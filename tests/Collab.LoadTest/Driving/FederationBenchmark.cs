using System.Security.Cryptography;
using Collab.LoadTest.Serving;

namespace Collab.LoadTest.Driving;

/// <summary>
/// The federation rows (<c>--only federation</c>; in the full run, not in <c>--quick</c>): two cities,
/// each a server child (silo + gateway, memory storage) with its own key, partners of each other
/// over loopback HTTP. At a steady 200 reports/s at city A, side by side: the local e2e figure (a
/// subscriber of A's own neighbourhood stream) and the link's (a subscriber of B's
/// <c>partner:city-a</c>): delivered events/s and latency percentiles, p99 being the link's lag.
/// </summary>
internal static class FederationBenchmark
{
    public const double Rate = 200;

    public static async Task<List<ResultRow>> RunAsync(Plan plan, ClientHosts hosts, Func<ResultRow, ResultRow> show, CancellationToken cancellationToken)
    {
        var (urlA, urlB) = ($"http://127.0.0.1:{FreePort.Next()}", $"http://127.0.0.1:{FreePort.Next()}");
        using var keyA = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var keyB = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var startA = ServerProcess.StartAsync(["--serve", "collab", "--storage", "Memory"], City("city-a", urlA, keyA, "city-b", urlB, keyB), TimeSpan.FromSeconds(90));
        var startB = ServerProcess.StartAsync(["--serve", "collab", "--storage", "Memory"], City("city-b", urlB, keyB, "city-a", urlA, keyA), TimeSpan.FromSeconds(90));
        await using var a = await startA;
        await using var b = await startB;

        var local = await CollabTarget.CreateAsync("federation-local", a);
        var link = await FederationTarget.CreateAsync("federation-link", await CollabTarget.CreateAsync("federation-link", a), b);
        var duration = plan.Quick ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(15);
        var rows = new List<ResultRow>();
        foreach (var target in new IFanOutTarget[] { local, link })
        {
            await using var fleet = new ClientFleet(hosts, target.HubUrl, messagePack: false, target.Streams);
            await fleet.GrowToAsync(1);
            await Measure.OpenLoopAsync(target, fleet, hosts, "warm-up", 50, TimeSpan.FromSeconds(0.5), plan.Drain, plan.Linger, cancellationToken);
            await Measure.SettleAsync(target.Server, cancellationToken);
            var row = await Measure.OpenLoopAsync(target, fleet, hosts, $"steady {Rate:F0}/s", Rate, duration, plan.Drain, plan.Linger, cancellationToken);
            var note = target == link ? "A's report to B's partner: subscriber (p99: the link's lag); srv: city A" : "A's report to A's neighbourhood subscriber";
            rows.Add(show(row with { Note = row.Note is null ? note : $"{note}; {row.Note}" }));
        }

        return rows;
    }

    /// <summary>A city's settings for its server child (environment variables, read by both of its hosts).</summary>
    internal static Dictionary<string, string?> City(string id, string url, ECDsa key, string partner, string partnerUrl, ECDsa partnerKey)
    {
        var at = $"Collab__Federation__Partners__{partner}";
        return new Dictionary<string, string?>
        {
            ["COLLAB_LOADTEST_URL"] = url,
            ["Collab__City__Id"] = id,
            ["Collab__Federation__SigningKey"] = key.ExportPkcs8PrivateKeyPem(),
            [$"{at}__Url"] = partnerUrl,
            [$"{at}__PublicKey"] = partnerKey.ExportSubjectPublicKeyInfoPem(),
            [$"{at}__Share__Neighbourhoods__0"] = "*",
            [$"{at}__Share__Categories__0"] = "*",
            [$"{at}__Share__Audience"] = "public",
        };
    }
}
