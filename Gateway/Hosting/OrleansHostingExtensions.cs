using Collab.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Collab.Gateway.Hosting;

/// <summary>Embedded: host a silo in this process. Localhost: join silos on this machine as a client. AdoNet: find silos through the PostgreSQL membership table.</summary>
public static class OrleansHostingExtensions
{
    public static WebApplicationBuilder AddCollabOrleans(this WebApplicationBuilder builder)
    {
        var cluster = ClusterHostingOptions.From(builder.Configuration);
        var dashboard = builder.Configuration.GetValue<bool>(CollabSiloExtensions.DashboardKey);
        switch (cluster.Mode)
        {
            case ClusterMode.Embedded:
                builder.UseOrleans(silo =>
                {
                    silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                    silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
                    silo.AddCollabGrains(builder.Configuration);
                });
                break;
            case ClusterMode.Localhost:
                builder.UseOrleansClient(client => client
                    .UseLocalhostClustering(
                        cluster.GatewayPorts is { Length: > 0 } ports ? ports : [cluster.GatewayPort],
                        cluster.ServiceId,
                        cluster.ClusterId)
                    .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout)
                    .AddDashboardIf(dashboard));
                break;
            case ClusterMode.AdoNet:
                var connectionString = DatabaseOptions.ConnectionString(builder.Configuration);
                builder.UseOrleansClient(client =>
                {
                    client.Configure<ClusterOptions>(o =>
                    {
                        o.ServiceId = cluster.ServiceId;
                        o.ClusterId = cluster.ClusterId;
                    });
                    client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = DatabaseOptions.Invariant;
                        o.ConnectionString = connectionString;
                    });
                    client.AddDashboardIf(dashboard);
                });
                break;
            default:
                throw new NotSupportedException($"Collab:Cluster:Mode '{cluster.Mode}' is not available in this build.");
        }

        builder.Services.AddCollabCity();
        builder.Services.AddCollabWireExceptions();
        return builder;
    }

    /// <summary>The dashboard's client side (its pages call the silos' dashboard grains), when operators turned it on.</summary>
    private static IClientBuilder AddDashboardIf(this IClientBuilder client, bool enabled) => enabled ? client.AddDashboard() : client;
}
