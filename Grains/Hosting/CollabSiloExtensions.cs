using Collab.Federation;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;

namespace Collab.Hosting;

/// <summary>What every Collab silo needs, whether standalone, embedded in a gateway, or in a test cluster.</summary>
public static class CollabSiloExtensions
{
    /// <summary>Orleans' dashboard: its services on every silo, its pages on the gateways' management port.</summary>
    public const string DashboardKey = "Collab:Operations:Dashboard";

    public static ISiloBuilder AddCollabGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = configuration.GetSection("Collab:Storage").Get<StorageOptions>() ?? new StorageOptions();
        silo.Services.AddCollabCity();
        silo.Services.AddCollabWireExceptions();
        silo.Services.TryAddSingleton<NeighbourhoodFeed>();
        silo.Services.TryAddSingleton<KnownIncidents>();
        silo.Services.AddCollabFederationOutbox();
        if (configuration.GetValue<bool>(DashboardKey))
        {
            // Its grain-call profiling costs every call a little: on only where operators asked for it.
            silo.AddDashboard();
        }

        var federation = configuration.GetSection(FederationOptions.Section).Get<FederationOptions>() ?? new FederationOptions();
        if (federation.Enabled)
        {
            silo.AddStartupTask(MirrorStartup.SyncMirrorsAsync);
        }

        silo.Services.AddOptions<RealtimeOptions>().BindConfiguration("Collab:Realtime").ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<PrivacyOptions>().BindConfiguration("Collab:Privacy").ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<ModerationOptions>().BindConfiguration("Collab:Moderation").ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<StorageOptions>().BindConfiguration("Collab:Storage").ValidateDataAnnotations().ValidateOnStart();
        switch (storage.Mode)
        {
            case StorageMode.Memory:
                silo.AddMemoryGrainStorage(StorageNames.Collab);
                // Partner links keep a reminder while they have work, running exercises while they play
                // (PostgreSQL mode: ADO.NET reminders, below).
                silo.UseInMemoryReminderService();

                silo.Services.TryAddSingleton<IEventLog, NoEventLog>();
                // Orleans' own binary format instead of the default Newtonsoft JSON: the load test
                // found that serializing a neighbourhood's state (its timeline and active incidents)
                // as JSON on every write cost ~30-50 ms CPU per incident change; the binary codec
                // is several times cheaper, and it keys types by [Alias], so renames stay harmless.
                silo.Services.AddOptions<MemoryGrainStorageOptions>(StorageNames.Collab)
                    .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new SnapshotSerializer(serializer));
                break;
            case StorageMode.AdoNet:
                var connectionString = DatabaseOptions.ConnectionString(configuration);
                silo.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
                silo.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
                silo.Services.TryAddSingleton<IEventLog, NpgsqlEventLog>();
                silo.AddAdoNetGrainStorage(StorageNames.Collab, options => options.Configure<IServiceProvider>((o, services) =>
                {
                    o.Invariant = DatabaseOptions.Invariant;
                    o.ConnectionString = connectionString;
                    // Set explicitly, not left to the provider's default: rows outlive deployments, and
                    // Orleans' own serializer keys on the [Alias]/[Id] attributes of the state types,
                    // so renaming a class or property does not orphan stored state.
                    o.GrainStorageSerializer = new SnapshotSerializer(services.GetRequiredService<Serializer>());
                }));
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = DatabaseOptions.Invariant;
                    o.ConnectionString = connectionString;
                });
                break;
            default:
                throw new NotSupportedException($"Collab:Storage:Mode '{storage.Mode}' is not available in this build.");
        }

        return silo;
    }
}
