using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Gateway.Hosting;
using Collab.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// A real system on loopback: one silo process-in-a-host (localhost clustering) and two gateways,
/// each a Kestrel server on its own port, connected to the silo as Orleans clients.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string SigningKey = "collab-tests-signing-key-0123456789abcdef";
    public const string Open311Key = "open311-test-key";
    private IHost _silo = null!;
    private WebApplication _gatewayA = null!;
    private WebApplication _gatewayB = null!;

    public Uri GatewayA { get; private set; } = null!;

    public Uri GatewayB { get; private set; } = null!;

    /// <summary>Gateway A's services (e.g. its endpoint data source).</summary>
    public IServiceProvider ServicesA => _gatewayA.Services;

    public async Task InitializeAsync()
    {
        var siloPort = FreePorts.Next();
        var clientPort = FreePorts.Next();
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var cluster = new Dictionary<string, string?>
        {
            ["Collab:Cluster:Mode"] = "Localhost",
            ["Collab:Cluster:SiloPort"] = siloPort.ToString(),
            ["Collab:Cluster:GatewayPort"] = clientPort.ToString(),
            ["Collab:Cluster:ClusterId"] = clusterId,
            ["Collab:Storage:Mode"] = "Memory",
        };

        var siloBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        siloBuilder.Configuration.AddInMemoryCollection(cluster);
        siloBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        siloBuilder.AddCollabSilo();
        _silo = siloBuilder.Build();
        await _silo.StartAsync();

        _cluster = cluster;
        (_gatewayA, GatewayA) = await StartGatewayAsync();
        (_gatewayB, GatewayB) = await StartGatewayAsync();
    }

    private Dictionary<string, string?> _cluster = [];

    /// <summary>Starts one more gateway on the fixture's cluster; settings in <paramref name="overrides"/> win. The caller stops it.</summary>
    public async Task<(WebApplication App, Uri Url)> StartGatewayAsync(Dictionary<string, string?>? overrides = null, Action<WebApplicationBuilder>? configure = null,
        string environment = "Testing")
    {
        var cluster = _cluster;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(cluster);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collab:Auth:DevTokens"] = "true",
            ["Collab:Auth:AllowDevTokensOutsideDevelopment"] = "true",
            ["Collab:Auth:SigningKey"] = SigningKey,
            ["Collab:Realtime:ResubscribeInterval"] = "00:00:02",
            ["Collab:Open311:ApiKeys:test-app"] = Open311Key,
            // Every test calls from 127.0.0.1; the anonymous read limit has its own test, on a gateway of its own.
            ["Collab:Security:AnonymousReadsPerWindow"] = "1000000",
            // The suite reads metrics and the OpenAPI document anonymously, as on a development box;
            // OperationsEndpointTests covers the operator-only default.
            ["Collab:Operations:PublicMetrics"] = "true",
            ["Collab:Operations:PublicOpenApi"] = "true",
            // A gateway stopped with clients still on it waits this long for them (GatewayDrainTests use their own bounds).
            ["Collab:Shutdown:Drain"] = "00:00:02",
            ["Collab:Shutdown:MaxReconnectDelayMs"] = "1000",
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        configure?.Invoke(builder);
        var app = GatewayApp.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    public async Task DisposeAsync()
    {
        await _gatewayA.StopAsync();
        await _gatewayB.StopAsync();
        await _gatewayA.DisposeAsync();
        await _gatewayB.DisposeAsync();
        await _silo.StopAsync();
        _silo.Dispose();
    }

    /// <summary>An HTTP client for gateway A (or B), optionally carrying a token.</summary>
    public HttpClient Http(string? token = null, bool gatewayB = false)
    {
        var client = new HttpClient { BaseAddress = gatewayB ? GatewayB : GatewayA };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A token from the gateway's development endpoint.</summary>
    public async Task<string> TokenAsync(string sub, string role, string? lang = null, string? name = null)
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync("/dev/token", new { sub, role, lang, name });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>();
        return body!.Token;
    }

    /// <summary>A fresh user of a role, with its token.</summary>
    public async Task<TestUser> UserAsync(string role, string? name = null)
    {
        var sub = $"{role}-{Guid.NewGuid():N}";
        return new TestUser(sub, role, await TokenAsync(sub, role, name: name));
    }

    private sealed record TokenBody(string Token);
}

/// <summary>Someone using the system in a test.</summary>
public sealed record TestUser(string Sub, string Role, string Token);

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}

/// <summary>
/// Tests that measure the process's memory: they run alone, after the parallel collections, on a
/// gateway fixture of their own, so no other test's allocations count against their bound.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredGatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway-measured";
}
