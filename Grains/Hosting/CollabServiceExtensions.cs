using Collab.Neighbourhoods;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Collab.Hosting;

/// <summary>Services both silos and gateways use: settings and the city map.</summary>
public static class CollabServiceExtensions
{
    public static IServiceCollection AddCollabCity(this IServiceCollection services)
    {
        services.AddOptions<CityOptions>().BindConfiguration("Collab:City").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var file = sp.GetRequiredService<IOptions<CityOptions>>().Value.MapFile;
            if (string.IsNullOrWhiteSpace(file))
            {
                return CityMap.LoadDemo();
            }

            using var stream = File.OpenRead(file);
            return CityMap.Load(stream);
        });
        return services;
    }
}
