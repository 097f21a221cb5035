using System.Net;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Collab.Tests.WebConsole;

/// <summary>
/// The console's gateway restarts (SIGTERM with its drain, then SIGKILL) while the silo keeps the
/// data and commands go on through another gateway: the pages come back live by themselves and
/// each timeline is exactly the server's, with nothing twice and nothing missing. The first time
/// they missed no more than the gateway replays (they resume from their last seq); the second time
/// more (the gateway sends Resync and they re-read).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleReconnectTests(ConsoleFixture fx, ITestOutputHelper output)
{
    /// <summary>The fixture gateways' <c>Collab:Realtime:MaxReplay</c>.</summary>
    public const int MaxReplay = 4;

    [Fact]
    public async Task AfterTheGatewayRestartsThePagesResumeWithNoDuplicateOrMissingTimelineEntry()
    {
        await fx.ClosePagesAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var police = await fx.NewPageAsync();
        var citizen = await fx.NewPageAsync();
        await fx.SignInAsync(police, "police", $"officer-{run}");
        await fx.SignInAsync(citizen, "citizen", $"resident-{run}");
        using var citizenHttp = await fx.ClientAsync($"resident-{run}", "citizen");
        using var policeHttp = await fx.ClientAsync($"writer-{run}", "police");

        // Reported through gateway B: the citizen page learns of it from its 'me' stream.
        var id = (await (await citizenHttp.PostJsonAsync("/api/incidents", Sample.Report("traffic", $"Lights out at the crossing {run}", 52.0712, 4.2811))).JsonAsync(HttpStatusCode.Created)).Str("id");
        await Expect(citizen.Locator($"#my-reports [data-incident-id='{id}']")).ToHaveCountAsync(1);
        await police.ClickAsync($"#incident-list [data-incident-id='{id}']");
        await citizen.ClickAsync($"#my-reports [data-incident-id='{id}']");
        await Expect(police.Locator("#incident-detail")).ToHaveAttributeAsync("data-incident-id", id);
        await Expect(citizen.Locator("#incident-detail")).ToHaveAttributeAsync("data-incident-id", id);
        var n = 0;
        for (var i = 0; i < 2; i++)
        {
            await NoteAsync(policeHttp, id, $"before {++n} {run}");
        }

        await AssertTimelinesMatchTheServerAsync(police, citizen, policeHttp, citizenHttp, id);

        foreach (var kill in new[] { false, true })
        {
            await fx.RestartAAsync(kill, async () =>
            {
                await Expect(police.Locator("#live-state")).ToHaveAttributeAsync("data-state", "reconnecting");
                await Expect(citizen.Locator("#live-state")).ToHaveAttributeAsync("data-state", "reconnecting");
                if (!kill)
                {
                    await fx.ScreenshotAsync(police, "police-reconnecting", output);
                    await Status(policeHttp, id, "acknowledged");
                }
                else
                {
                    (await policeHttp.PostJsonAsync($"/api/incidents/{id}/assign", new { unit = $"Unit {run}" })).EnsureSuccessStatusCode();
                }

                // One change above, then notes: within MaxReplay after SIGTERM (a replay), past it after SIGKILL (Resync).
                for (var i = 0; i < (kill ? MaxReplay : MaxReplay - 2); i++)
                {
                    await NoteAsync(policeHttp, id, $"while down {++n} {run}");
                }
            });
            output.WriteLine($"Gateway A back after {(kill ? "SIGKILL" : "SIGTERM")}");
            await Expect(police.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
            await Expect(citizen.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
            await NoteAsync(policeHttp, id, $"after {++n} {run}");
            await AssertTimelinesMatchTheServerAsync(police, citizen, policeHttp, citizenHttp, id);
            var resyncs = await IncidentResyncsAsync(fx.A.Url);
            output.WriteLine($"Incident resyncs sent by the new gateway A: {resyncs}");
            if (kill)
            {
                Assert.True(resyncs >= 1, "More was missed than the gateway replays: the page should have been sent Resync and re-read.");
            }
            else
            {
                Assert.Equal(0, resyncs);
            }
        }

        await Expect(citizen.Locator($"#my-reports [data-incident-id='{id}']")).ToHaveAttributeAsync("data-status", "acknowledged");
        await Expect(police.Locator("#incident-detail .unit")).ToHaveTextAsync($"Unit {run}");
        Assert.DoesNotContain(fx.Errors[police], e => !IsConnectionNoise(e));
        Assert.DoesNotContain(fx.Errors[citizen], e => !IsConnectionNoise(e));
    }

    /// <summary>Each page's timeline is the server's timeline for its audience: the same seqs and event ids, in order, once each.</summary>
    private static async Task AssertTimelinesMatchTheServerAsync(IPage police, IPage citizen, HttpClient policeHttp, HttpClient citizenHttp, string id)
    {
        foreach (var (page, http) in new[] { (police, policeHttp), (citizen, citizenHttp) })
        {
            var events = (await (await http.GetAsync($"/api/incidents/{id}/events?afterSeq=0")).JsonAsync(HttpStatusCode.OK)).GetProperty("events");
            var expected = events.EnumerateArray().Select(e => $"{e.GetProperty("seq").GetInt64()}:{e.Str("id")}").ToList();
            await Expect(page.Locator("#timeline li")).ToHaveCountAsync(expected.Count);
            var shown = await page.Locator("#timeline li").EvaluateAllAsync<string[]>("items => items.map(li => `${li.dataset.seq}:${li.dataset.eventId}`)");
            Assert.Equal(expected, shown);
        }
    }

    /// <summary><c>collab_resyncs_total</c> of incident streams on a gateway (a fresh process counts from zero).</summary>
    private static async Task<double> IncidentResyncsAsync(Uri gateway)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        var text = await http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith("collab_resyncs_total{", StringComparison.Ordinal) && l.Contains("kind=\"incident\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task NoteAsync(HttpClient http, string id, string text) =>
        (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text, visibility = "public" })).EnsureSuccessStatusCode();

    private static async Task Status(HttpClient http, string id, string status) =>
        (await http.PostJsonAsync($"/api/incidents/{id}/status", new { status })).EnsureSuccessStatusCode();

    /// <summary>The browser reports failed connection attempts to a gateway that is down; they are expected here.</summary>
    private static bool IsConnectionNoise(string error) =>
        error.Contains("ERR_CONNECTION_REFUSED", StringComparison.Ordinal) || error.Contains("WebSocket", StringComparison.Ordinal)
        || error.Contains("503", StringComparison.Ordinal) || error.Contains("Failed to load resource", StringComparison.Ordinal)
        || error.Contains("negotiat", StringComparison.OrdinalIgnoreCase) || error.Contains("Failed to fetch", StringComparison.Ordinal);
}
