using Collab.Incidents;
using Collab.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Collab.Hosting;

/// <summary>What every Collab silo needs, whether standalone, embedded in a gateway, or in a test cluster.</summary>
public static class CollabSiloExtensions
{
    public static ISiloBuilder AddCollabGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = configuration.GetSection("Collab:Storage").Get<StorageOptions>() ?? new StorageOptions();
        silo.Services.AddCollabCity();
        silo.Services.AddOptions<RealtimeOptions>().BindConfiguration("Collab:Realtime").ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<PrivacyOptions>().BindConfiguration("Collab:Privacy").ValidateDataAnnotations().ValidateOnStart();
        switch (storage.Mode)
        {
            case StorageMode.Memory:
                silo.AddMemoryGrainStorage(StorageNames.Collab);
                // Orleans' own binary format instead of the default Newtonsoft JSON: the load test
                // found that serializing a neighbourhood's state (its timeline and active incidents)
                // as JSON on every write cost ~30-50 ms CPU per incident change; the binary codec
                // is several times cheaper, and it keys types by [Alias], so renames stay harmless.
                silo.Services.AddOptions<MemoryGrainStorageOptions>(StorageNames.Collab)
                    .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
                break;
            default:
                throw new NotSupportedException($"Collab:Storage:Mode '{storage.Mode}' is not available in this build.");
        }

        return silo;
    }
}
