using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Gateway.Hosting;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.Federation;

/// <summary>
/// Two partner cities on loopback, each a gateway hosting its own silo (its own cluster id, ports,
/// city id, memory storage and EC key), talking real signed HTTP. City A shares vandalism and noise in
/// Centrum with B, as the public sees them; B shares everything with A, as authorities see it.
/// Every request A's silo sends to B is recorded at the wire.
/// </summary>
public sealed class TwoCities : IAsyncDisposable
{
    private TwoCities(City a, City b)
    {
        A = a;
        B = b;
    }

    public City A { get; }

    public City B { get; }

    /// <summary>
    /// Starts both; with connection strings, each city keeps its state in its own PostgreSQL database;
    /// <paramref name="configure"/> changes either city's settings (A, B) before they start.
    /// </summary>
    public static async Task<TwoCities> StartAsync(string? databaseA = null, string? databaseB = null, Action<City, City>? configure = null)
    {
        var a = new City("city-a", CityKey.New(), FreePorts.Next());
        var b = new City("city-b", CityKey.New(), FreePorts.Next());
        a.Partner(b, neighbourhoods: ["centrum"], categories: ["vandalism", "noise"], audience: "public");
        b.Partner(a, neighbourhoods: ["*"], categories: ["*"], audience: "authorities");
        configure?.Invoke(a, b);
        if (databaseA is not null) a.UsePostgres(databaseA);
        if (databaseB is not null) b.UsePostgres(databaseB);
        await a.StartAsync();
        await b.StartAsync();
        return new TwoCities(a, b);
    }

    public async ValueTask DisposeAsync()
    {
        await A.StopAsync();
        await B.StopAsync();
    }
}

/// <summary>
/// One city of <see cref="TwoCities"/>; it can be stopped and started again: empty, as memory storage
/// is, or, after <see cref="UsePostgres"/>, with what its database holds.
/// </summary>
public sealed class City(string id, CityKey key, int httpPort)
{
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Collab:City:Id"] = id,
        ["Collab:Storage:Mode"] = "Memory",
        ["Collab:Auth:DevTokens"] = "true",
        ["Collab:Auth:AllowDevTokensOutsideDevelopment"] = "true",
        ["Collab:Auth:SigningKey"] = GatewayFixture.SigningKey,
        ["Collab:Realtime:ResubscribeInterval"] = "00:00:02",
        ["Collab:Security:AnonymousReadsPerWindow"] = "1000000",
        ["Collab:Federation:SigningKey"] = key.PrivatePem,
    };

    private WebApplication? _app;

    public string Id { get; } = id;

    public CityKey Key { get; } = key;

    public Uri Url { get; } = new($"http://127.0.0.1:{httpPort}");

    /// <summary>The bodies of every request this city's silo sent to a partner (each attempt).</summary>
    public ConcurrentQueue<string> Sent { get; } = new();

    /// <summary>The bodies of every answer to a read (GET) this city's silo sent a partner: what the partner served its backfill.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    /// <summary>This city's settings (city id, keys, partners), e.g. for a silo process of its own.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>Storage in this PostgreSQL database (migrated by the caller) from the next start on.</summary>
    public void UsePostgres(string connectionString)
    {
        _settings["Collab:Storage:Mode"] = "AdoNet";
        _settings["ConnectionStrings:Collab"] = connectionString;
    }

    /// <summary>Sets (or overrides) one setting from the next start on.</summary>
    public void Set(string key, string? value) => _settings[key] = value;

    public void Partner(City other, string[] neighbourhoods, string[] categories, string audience)
    {
        var at = $"Collab:Federation:Partners:{other.Id}";
        _settings[$"{at}:Url"] = other.Url.ToString();
        _settings[$"{at}:PublicKey"] = other.Key.PublicPem;
        _settings[$"{at}:Share:Audience"] = audience;
        for (var i = 0; i < neighbourhoods.Length; i++) _settings[$"{at}:Share:Neighbourhoods:{i}"] = neighbourhoods[i];
        for (var i = 0; i < categories.Length; i++) _settings[$"{at}:Share:Categories:{i}"] = categories[i];
    }

    /// <summary>Starts the city: a fresh embedded silo (own cluster, new ports; empty memory or its database) behind the same URL.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collab:Cluster:Mode"] = "Embedded",
            ["Collab:Cluster:SiloPort"] = FreePorts.Next().ToString(),
            ["Collab:Cluster:GatewayPort"] = FreePorts.Next().ToString(),
            ["Collab:Cluster:ClusterId"] = $"{Id}-{Guid.NewGuid():N}"[..20],
            ["Collab:Cluster:ServiceId"] = $"collab-{Id}",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(Url.ToString());
        var (sent, received) = (Sent, Received);
        builder.Services.AddHttpClient("collab-federation").AddHttpMessageHandler(() => new Recorder(sent, received));
        _app = GatewayApp.Build(builder);
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public HttpClient Http(string? token = null)
    {
        var http = new HttpClient { BaseAddress = Url };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async Task<string> TokenAsync(string role, string? sub = null)
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync("/dev/token", new { sub = sub ?? $"{role}-{Guid.NewGuid():N}", role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
    }

    private sealed class Recorder(ConcurrentQueue<string> sent, ConcurrentQueue<string> received) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                sent.Enqueue(await content.ReadAsStringAsync(cancellationToken));
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Get)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                received.Enqueue(await response.Content.ReadAsStringAsync(cancellationToken));
            }

            return response;
        }
    }
}

/// <summary>
/// Two whole cities per test are heavy for a shared machine, and the suite measures process-wide
/// memory elsewhere (<c>HostileCorpusTests</c>): these tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TwoCitiesCollection
{
    public const string Name = "two-cities";
}
