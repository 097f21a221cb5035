using System.Globalization;
using Collab.Gateway.Hosting;
using Collab.Silo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Collab.LoadTest.Serving;

/// <summary>
/// e2e: a silo built by <c>AddCollabSilo</c> (localhost clustering) and a gateway built by
/// <c>GatewayApp.Build</c>, exactly as the product runs them, in this one process.
/// </summary>
internal sealed class CollabServer(IHost silo, WebApplication gateway) : IServedSystem
{
    /// <summary>Dev tokens are signed with this; it never leaves loopback.</summary>
    public const string SigningKey = "collab-loadtest-signing-key-0123456789abcdef";

    public IReadOnlyDictionary<string, string> Info { get; private init; } = new Dictionary<string, string>();

    public static async Task<CollabServer> StartAsync(string storage, string? postgres)
    {
        var siloPort = FreePort.Next();
        var clientPort = FreePort.Next();
        var clusterId = "load-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["Collab:Cluster:Mode"] = "Localhost",
            ["Collab:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Collab:Cluster:GatewayPort"] = clientPort.ToString(CultureInfo.InvariantCulture),
            ["Collab:Cluster:ClusterId"] = clusterId,
            ["Collab:Storage:Mode"] = storage,
            ["ConnectionStrings:Collab"] = postgres,
        };

        var siloBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", Args = [] });
        siloBuilder.Configuration.AddInMemoryCollection(settings);
        BareSignalRServer.Quiet(siloBuilder.Logging);
        siloBuilder.AddCollabSilo();
        var silo = siloBuilder.Build();
        await silo.StartAsync();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collab:Auth:DevTokens"] = "true",
            ["Collab:Auth:AllowDevTokensOutsideDevelopment"] = "true",
            ["Collab:Auth:SigningKey"] = SigningKey,
            // The harness drives the load as a handful of users: per-user abuse limits would throttle
            // the measurement itself. The limiter still runs on every command and invocation.
            ["Collab:Security:CommandsPerWindow"] = "100000",
            ["Collab:Security:HubInvocationsPerWindow"] = "100000",
            ["Collab:Security:Window"] = "00:00:01",
            // Thousands of subscribers share one citizen's token; the cap is still checked on each connect.
            ["Collab:Security:MaxConnectionsPerUser"] = "1000000",
            ["Collab:Security:HubConnectsPerWindow"] = "1000000",
        });
        BareSignalRServer.Quiet(builder.Logging);
        // A fixed address where the driver names it (federation: each city must know its partner's URL).
        builder.WebHost.UseUrls(Environment.GetEnvironmentVariable("COLLAB_LOADTEST_URL") ?? "http://127.0.0.1:0");
        var gateway = GatewayApp.Build(builder);
        await gateway.StartAsync();
        var url = gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CollabServer(silo, gateway)
        {
            Info = new Dictionary<string, string>
            {
                ["url"] = url,
                ["clientPort"] = clientPort.ToString(CultureInfo.InvariantCulture),
                ["clusterId"] = clusterId,
                ["serviceId"] = "collab",
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        await gateway.StopAsync();
        await gateway.DisposeAsync();
        await silo.StopAsync();
        silo.Dispose();
    }
}
