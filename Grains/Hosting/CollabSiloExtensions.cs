using Collab.Incidents;
using Collab.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
        silo.Services.AddOptions<ModerationOptions>().BindConfiguration("Collab:Moderation").ValidateDataAnnotations().ValidateOnStart();
        switch (storage.Mode)
        {
            case StorageMode.Memory:
                silo.AddMemoryGrainStorage(StorageNames.Collab);
                break;
            default:
                throw new NotSupportedException($"Collab:Storage:Mode '{storage.Mode}' is not available in this build.");
        }

        return silo;
    }
}
