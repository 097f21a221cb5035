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
internal sealed class CollabServer(IHost? silo, WebApplication? gateway) : IServedSystem
{
    /// <summary>The gateway child of a split e2e server finds its silo through these (set by the driver).</summary>
    public const string SiloGatewayPortVariable = "COLLAB_LOADTEST_SILO_GATEWAY_PORT";

    public const string ClusterIdVariable = "COLLAB_LOADTEST_CLUSTER_ID";

    /// <summary>Dev tokens are signed with this; it never leaves loopback.</summary>
    public const string SigningKey = "collab-loadtest-signing-key-0123456789abcdef";

    public IReadOnlyDictionary<string, string> Info { get; private init; } = new Dictionary<string, string>();

    /// <summary>Silo and gateway in this one process (federation's cities).</summary>
    public static async Task<CollabServer> StartAsync(string storage, string? postgres)
    {
        var settings = Settings(storage, postgres, FreePort.Next(), "load-" + Guid.NewGuid().ToString("N")[..8]);
        var silo = await StartSiloHostAsync(settings);
        var gateway = await StartGatewayHostAsync(settings);
        return new CollabServer(silo, gateway) { Info = InfoOf(settings, gateway) };
    }

    /// <summary>
    /// The silo alone (<c>--serve collab-silo</c>), as a silo pod runs: the e2e rows run it and the
    /// gateway as two processes, so each collects its own heap, and add their CPU.
    /// </summary>
    public static async Task<CollabServer> StartSiloAsync(string storage, string? postgres)
    {
        var settings = Settings(storage, postgres, FreePort.Next(), "load-" + Guid.NewGuid().ToString("N")[..8]);
        var silo = await StartSiloHostAsync(settings);
        return new CollabServer(silo, null) { Info = InfoOf(settings, null) };
    }

    /// <summary>The gateway alone (<c>--serve collab-gateway</c>), a client of the silo named by the environment.</summary>
    public static async Task<CollabServer> StartGatewayAsync(string storage, string? postgres)
    {
        var port = int.Parse(Environment.GetEnvironmentVariable(SiloGatewayPortVariable) ?? throw new InvalidOperationException($"{SiloGatewayPortVariable} is not set."), CultureInfo.InvariantCulture);
        var clusterId = Environment.GetEnvironmentVariable(ClusterIdVariable) ?? throw new InvalidOperationException($"{ClusterIdVariable} is not set.");
        var settings = Settings(storage, postgres, port, clusterId);
        var gateway = await StartGatewayHostAsync(settings);
        return new CollabServer(null, gateway) { Info = InfoOf(settings, gateway) };
    }

    private static Dictionary<string, string?> Settings(string storage, string? postgres, int clientPort, string clusterId) => new()
    {
        ["Collab:Cluster:Mode"] = "Localhost",
        ["Collab:Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Collab:Cluster:GatewayPort"] = clientPort.ToString(CultureInfo.InvariantCulture),
        ["Collab:Cluster:ClusterId"] = clusterId,
        ["Collab:Storage:Mode"] = storage,
        ["ConnectionStrings:Collab"] = postgres,
    };

    private static Dictionary<string, string> InfoOf(Dictionary<string, string?> settings, WebApplication? gateway)
    {
        var info = new Dictionary<string, string>
        {
            ["clientPort"] = settings["Collab:Cluster:GatewayPort"]!,
            ["clusterId"] = settings["Collab:Cluster:ClusterId"]!,
            ["serviceId"] = "collab",
        };
        if (gateway is not null)
        {
            info["url"] = gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        }

        return info;
    }

    private static async Task<IHost> StartSiloHostAsync(Dictionary<string, string?> settings)
    {
        var siloBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", Args = [] });
        siloBuilder.Configuration.AddInMemoryCollection(settings);
        BareSignalRServer.Quiet(siloBuilder.Logging);
        siloBuilder.AddCollabSilo();
        var silo = siloBuilder.Build();
        await silo.StartAsync();
        return silo;
    }

    private static async Task<WebApplication> StartGatewayHostAsync(Dictionary<string, string?> settings)
    {
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
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        if (gateway is not null)
        {
            await gateway.StopAsync();
            await gateway.DisposeAsync();
        }

        if (silo is not null)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
    }
}
