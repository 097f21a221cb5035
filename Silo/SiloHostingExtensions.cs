using Collab.Hosting;

namespace Collab.Silo;

/// <summary>A standalone silo: clustering from <c>Collab:Cluster</c>, grains and storage from <c>Collab:*</c>.</summary>
public static class SiloHostingExtensions
{
    public static HostApplicationBuilder AddCollabSilo(this HostApplicationBuilder builder)
    {
        var cluster = ClusterHostingOptions.From(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            switch (cluster.Mode)
            {
                case ClusterMode.Localhost:
                case ClusterMode.Embedded:
                    silo.UseLocalhostClustering(
                        cluster.SiloPort,
                        cluster.GatewayPort,
                        cluster.PrimarySiloPort is { } primary ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, primary) : null,
                        cluster.ServiceId,
                        cluster.ClusterId);
                    break;
                default:
                    throw new NotSupportedException($"Collab:Cluster:Mode '{cluster.Mode}' is not available in this build.");
            }

            silo.AddCollabGrains(builder.Configuration);
        });
        return builder;
    }
}
