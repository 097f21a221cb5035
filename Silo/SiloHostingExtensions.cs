using System.Net;
using Collab.Hosting;
using Collab.Silo.Persistence;
using Orleans.Configuration;

namespace Collab.Silo;

/// <summary>A standalone silo: clustering from <c>Collab:Cluster</c>, grains and storage from <c>Collab:*</c>.</summary>
public static class SiloHostingExtensions
{
    public static TBuilder AddCollabSilo<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var cluster = ClusterHostingOptions.From(builder.Configuration);
        var storage = builder.Configuration.GetSection("Collab:Storage").Get<StorageOptions>() ?? new StorageOptions();
        if (cluster.Mode == ClusterMode.AdoNet || storage.Mode == StorageMode.AdoNet)
        {
            // Before UseOrleans: hosted services start in registration order, so the silo never
            // joins the cluster on a schema it does not understand.
            builder.Services.AddCollabSchemaMigrator();
            builder.Services.AddHostedService<SchemaVersionCheck>();
        }

        // Probe and liveness timings (ProbeTimeout, NumMissedProbesLimit, IAmAliveTablePublishTimeout,
        // ...) are Orleans' own options, settable without a rebuild: tests shorten them, operators tune them.
        builder.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration("Collab:Cluster:Membership");
        builder.Services.AddCollabShutdown();
        builder.UseOrleans(silo =>
        {
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
            switch (cluster.Mode)
            {
                case ClusterMode.Localhost:
                case ClusterMode.Embedded:
                    silo.UseLocalhostClustering(
                        cluster.SiloPort,
                        cluster.GatewayPort,
                        cluster.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null,
                        cluster.ServiceId,
                        cluster.ClusterId);
                    break;
                case ClusterMode.AdoNet:
                    var connectionString = DatabaseOptions.ConnectionString(builder.Configuration);
                    var advertised = cluster.AdvertisedAddress();
                    silo.Configure<ClusterOptions>(o =>
                    {
                        o.ServiceId = cluster.ServiceId;
                        o.ClusterId = cluster.ClusterId;
                    });

                    // On loopback (tests, one machine) listen where we advertise; in a pod, listen on
                    // every interface because the pod IP may not be the only route in.
                    silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
                    silo.UseAdoNetClustering(o =>
                    {
                        o.Invariant = DatabaseOptions.Invariant;
                        o.ConnectionString = connectionString;
                    });
                    if (cluster.Kubernetes)
                    {
                        // The pod's name becomes the silo's, its IP the advertised address (already
                        // ours from POD_IP above), and a silo whose pod is deleted is declared dead
                        // at once instead of after the missed probes. Needs the Role in k8s/base/silo-rbac.yaml.
                        silo.UseKubernetesHosting(o => o.Configure(k => k.DeleteDefunctSiloPods = cluster.DeleteDefunctSiloPods));
                    }

                    break;
                default:
                    throw new NotSupportedException($"Collab:Cluster:Mode '{cluster.Mode}' is not available in this build.");
            }

            silo.AddCollabGrains(builder.Configuration);
        });
        return builder;
    }
}
