using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Collab.Hosting;

public static class ShutdownExtensions
{
    /// <summary>The host's stop timeout from <see cref="ShutdownOptions"/>; on silos also Orleans' deactivation timeout.</summary>
    public static IServiceCollection AddCollabShutdown(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<ShutdownOptions>>((grains, shutdown) => grains.DeactivationTimeout = shutdown.Value.DeactivationTimeout);
        return services;
    }
}
