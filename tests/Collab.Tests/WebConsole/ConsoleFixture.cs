using System.Net.Http.Json;
using Collab.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Collab.Tests.WebConsole;

/// <summary>
/// The console on a real system: a silo process with memory storage, gateway A (the browser pages'
/// gateway, restarted by the reconnect test while the silo keeps the data) and gateway B (the
/// tests' own REST calls), all on loopback; and Debian's Chromium, headless, driven by Playwright.
/// Without Chromium every console test fails with the reason: it is never skipped.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium package, which <c>.ci/run</c> installs when it is missing.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("COLLAB_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly Dictionary<string, string> Settings = new()
    {
        // A restarted gateway lets its clients go quickly (the drain itself is GatewayDrainProcessTests').
        ["Collab__Shutdown__Drain"] = "00:00:03",
        ["Collab__Shutdown__MaxReconnectDelayMs"] = "500",
        ["Collab__Security__AnonymousReadsPerWindow"] = "100000",
        ["Collab__Security__HubConnectsPerWindow"] = "100000",
        // Small, so a page that missed more than this while its gateway was down gets Resync (ConsoleReconnectTests).
        ["Collab__Realtime__MaxReplay"] = ConsoleReconnectTests.MaxReplay.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Collab__Operations__PublicMetrics"] = "true",
    };

    private readonly string _clusterId = "console-" + Guid.NewGuid().ToString("N")[..8];
    private SiloProcess _silo = null!;
    private IPlaywright _playwright = null!;

    public GatewayProcess A { get; private set; } = null!;

    public GatewayProcess B { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string RepositoryRoot => ConsoleFiles.RepositoryRoot;

    /// <summary>Where screenshots go: <c>TestResults/console</c> at the repository root, or <c>COLLAB_CONSOLE_SCREENSHOTS</c>.</summary>
    public static string ScreenshotDirectory { get; } = Environment.GetEnvironmentVariable("COLLAB_CONSOLE_SCREENSHOTS") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepositoryRoot, "TestResults", "console");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: the console tests need Debian's 'chromium' package (apt-get install chromium; .ci/run installs it when missing) or COLLAB_CHROMIUM naming a Chromium binary.");
        }

        try
        {
            _silo = SiloProcess.StartLocalhost(_clusterId);
            A = GatewayProcess.Start(_silo, _clusterId, Settings);
            B = GatewayProcess.Start(_silo, _clusterId, Settings);
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage"],
            });
            await Task.WhenAll(A.WaitReadyAsync(TimeSpan.FromSeconds(90)), B.WaitReadyAsync(TimeSpan.FromSeconds(90)));
            await WarmUpAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }

        Assertions.SetDefaultExpectTimeout(10_000);
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>
    /// One report through each gateway before any test: the 2 s bound on a report's way to the police
    /// page is about the live path of a running system, not the first compilation of the report path
    /// in three freshly started processes.
    /// </summary>
    private async Task WarmUpAsync()
    {
        foreach (var gateway in new[] { A, B })
        {
            using var http = await ClientAsync("warm-up", "citizen", gateway.Url);
            var report = await http.PostAsJsonAsync("/api/incidents",
                new { category = "noise", description = "Warm-up", location = new { lat = 52.0612, lon = 4.2711 } });
            report.EnsureSuccessStatusCode();
            (await http.GetAsync(report.Headers.Location)).EnsureSuccessStatusCode();
            (await http.GetAsync("/api/neighbourhoods/centrum")).EnsureSuccessStatusCode();
        }
    }

    /// <summary>
    /// Stops gateway A (SIGTERM, with its drain, or SIGKILL), runs <paramref name="whileDown"/> once
    /// it has exited, and starts a new gateway A at the same address.
    /// </summary>
    public async Task RestartAAsync(bool kill, Func<Task> whileDown)
    {
        var url = A.Url;
        if (kill)
        {
            A.Dispose();
        }
        else
        {
            A.Terminate();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await A.WaitForExitAsync(exit.Token);
            A.Dispose();
        }

        await whileDown();
        A = GatewayProcess.Start(_silo, _clusterId, Settings, url);
        await A.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>Closes the pages of the tests before (each test starts with only its own connections open).</summary>
    public async Task ClosePagesAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        _contexts.Clear();
        Errors.Clear();
    }

    /// <summary>A page of its own (its own storage: one user per page) on gateway A.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, Geolocation? location = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = A.Url.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            Geolocation = location,
            Permissions = location is null ? null : ["geolocation"],
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        Errors[page] = errors;
        return page;
    }

    /// <summary>Script errors and console errors of each page (a failed script would show here).</summary>
    public Dictionary<IPage, List<string>> Errors { get; } = [];

    /// <summary>Signs in through the development role picker and waits until the view is live.</summary>
    public async Task SignInAsync(IPage page, string role, string sub)
    {
        await page.GotoAsync("/");
        await page.SelectOptionAsync("#dev-role", role);
        await page.FillAsync("#dev-sub", sub);
        await page.ClickAsync("#dev-signin-button");
        await Assertions.Expect(page.Locator("main")).ToHaveAttributeAsync("data-view", role);
        await Assertions.Expect(page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live");
    }

    /// <summary>An HTTP client for gateway B (or another), with a development token of its own.</summary>
    public async Task<HttpClient> ClientAsync(string sub, string role, Uri? gateway = null)
    {
        var http = new HttpClient { BaseAddress = gateway ?? B.Url };
        var response = await http.PostAsJsonAsync("/dev/token", new { sub, role });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Saves a full-page screenshot with the test output (and into docs/img with COLLAB_UPDATE_DOCS_IMG=1).</summary>
    public async Task<string> ScreenshotAsync(IPage page, string name, ITestOutputHelper output)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"Screenshot: {path}");
        if (Environment.GetEnvironmentVariable("COLLAB_UPDATE_DOCS_IMG") == "1")
        {
            File.Copy(path, Path.Combine(RepositoryRoot, "docs", "img", "console-" + name + ".png"), overwrite: true);
        }

        return path;
    }

    /// <summary>axe-core on the page as it is: no serious or critical violation.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string view, ITestOutputHelper output)
    {
        var result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        foreach (var v in result.Violations)
        {
            output.WriteLine($"axe {view}: {v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}");
        }

        var blocking = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}").ToList();
        Assert.True(blocking.Count == 0, $"axe found serious or critical violations in the {view} view:\n{string.Join("\n", blocking)}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        A?.Dispose();
        B?.Dispose();
        _silo?.Dispose();
    }
}

/// <summary>
/// Runs alone, after the parallel collections: a browser, a silo and two gateway processes share
/// two cores, and the 2 s bound of a report's way to the police page measures the system, not the
/// load of the other collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
