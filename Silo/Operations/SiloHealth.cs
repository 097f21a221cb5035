using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;

namespace Collab.Silo.Operations;

/// <summary>
/// A silo's probes, on its own port (<c>Collab:Operations:HealthPort</c>, 8081 unless set; nothing
/// else is served there): <c>/health/startup</c> and <c>/health/ready</c> answer 200 once this silo
/// is <c>Active</c> in the cluster's membership and (PostgreSQL storage) the database answers;
/// a silo shutting down is no longer ready. <c>/health/live</c>: the process serves HTTP.
/// </summary>
public static class SiloHealth
{
    public const string HealthPortKey = "Collab:Operations:HealthPort";
    public const int DefaultHealthPort = 8081;
    public const string Startup = "/health/startup";
    public const string Ready = "/health/ready";
    public const string Live = "/health/live";

    private const string ReadyTag = "ready";

    /// <summary>How long the storage check waits for the database before calling it unreachable.</summary>
    private static readonly TimeSpan StorageWait = TimeSpan.FromSeconds(2);

    public static WebApplicationBuilder AddSiloHealth(this WebApplicationBuilder builder)
    {
        var port = builder.Configuration.GetValue<int?>(HealthPortKey) ?? DefaultHealthPort;
        // Only the probes' port: the silo serves nothing else over HTTP (grain traffic is Orleans' own ports).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        builder.Services.AddHealthChecks()
            .AddCheck<MembershipCheck>("membership", tags: [ReadyTag])
            .AddCheck<StorageCheck>("storage", tags: [ReadyTag]);
        return builder;
    }

    public static WebApplication MapSiloHealth(this WebApplication app)
    {
        var ready = new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) };
        app.MapHealthChecks(Startup, ready);
        app.MapHealthChecks(Ready, ready);
        app.MapHealthChecks(Live, new HealthCheckOptions { Predicate = _ => false });
        return app;
    }

    /// <summary>This silo is Active in the membership the cluster agrees on (joining, shutting down or dead is not).</summary>
    private sealed class MembershipCheck(IClusterMembershipService membership, ILocalSiloDetails local) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
            return Task.FromResult(status == SiloStatus.Active
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"This silo is {status} in the cluster's membership."));
        }
    }

    /// <summary>With PostgreSQL storage, a round trip to the database within <see cref="StorageWait"/>; memory storage is always reachable.</summary>
    private sealed class StorageCheck(IServiceProvider services) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (services.GetService<NpgsqlDataSource>() is not { } database)
            {
                return HealthCheckResult.Healthy("Memory storage.");
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(StorageWait);
            try
            {
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(wait.Token);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("The database does not answer.", ex);
            }
        }
    }
}
