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
using Orleans.Configuration;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// Silos and clients of one PostgreSQL-backed cluster, built with the production wiring
/// (<see cref="SiloHostingExtensions.AddCollabSilo"/> and the gateway's <see cref="OrleansHostingExtensions.AddCollabOrleans"/>).
/// </summary>
public sealed class AdoNetHosts(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    /// <summary>A cluster id of its own, so tests sharing a database never see each other's silos.</summary>
    public string ClusterId { get; } = "pg-" + Guid.NewGuid().ToString("N")[..10];

    public Dictionary<string, string?> Settings(int siloPort = 0, int gatewayPort = 0) => new()
    {
        ["ConnectionStrings:Collab"] = ConnectionString,
        ["Collab:Cluster:Mode"] = "AdoNet",
        ["Collab:Cluster:ClusterId"] = ClusterId,
        ["Collab:Cluster:ServiceId"] = "collab-tests",
        ["Collab:Cluster:AdvertisedIPAddress"] = "127.0.0.1",
        ["Collab:Cluster:SiloPort"] = (siloPort == 0 ? FreePorts.Next() : siloPort).ToString(),
        ["Collab:Cluster:GatewayPort"] = (gatewayPort == 0 ? FreePorts.Next() : gatewayPort).ToString(),
        ["Collab:Storage:Mode"] = "AdoNet",
    };

    /// <summary>Builds (does not start) a silo on fresh ports, with liveness timeouts short enough for tests.</summary>
    public IHost BuildSilo(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings ?? Settings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCollabSilo();
        builder.Services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
        });
        return builder.Build();
    }

    public async Task<IHost> StartSiloAsync()
    {
        var silo = BuildSilo();
        await silo.StartAsync();
        return silo;
    }

    /// <summary>
    /// A real gateway (<see cref="GatewayApp.Build"/>, Kestrel on a free loopback port) in AdoNet
    /// client mode on this cluster, with development tokens. The caller stops it.
    /// </summary>
    public async Task<(WebApplication App, Uri Url)> StartGatewayAsync(Dictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collab:Auth:DevTokens"] = "true",
            ["Collab:Auth:AllowDevTokensOutsideDevelopment"] = "true",
            ["Collab:Auth:SigningKey"] = GatewayFixture.SigningKey,
            ["Collab:Realtime:ResubscribeInterval"] = "00:00:01",
            // These gateways carry steady traffic from one test user; the limits have tests of their own.
            ["Collab:Security:CommandsPerWindow"] = "100000",
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = GatewayApp.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    /// <summary>A gateway-style Orleans client that finds the silos through the membership table.</summary>
    public async Task<WebApplication> StartClientAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddCollabOrleans();
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }
}
