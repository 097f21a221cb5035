using Collab.Categories;
using Collab.Neighbourhoods;
using Collab.Research;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace Collab.Hosting;

/// <summary>Services both silos and gateways use: settings and the city map.</summary>
public static class CollabServiceExtensions
{
    /// <summary>
    /// Lets a database error cross from silo to gateway as itself. Orleans serializes only
    /// exceptions of known namespaces; an <c>NpgsqlException</c> would otherwise fail the response
    /// message and reach the gateway as a codec error, which it cannot tell from a bug (500)
    /// rather than an outage (503).
    /// </summary>
    public static IServiceCollection AddCollabWireExceptions(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));

    /// <summary>The city's settings, map and categories; once, though an embedded gateway and its silo both ask (lists bound twice would repeat).</summary>
    public static IServiceCollection AddCollabCity(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CityCategories)))
        {
            return services;
        }

        services.AddOptions<CityOptions>().BindConfiguration("Collab:City").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CityOptions>, CityOptionsValidator>());
        services.TryAddSingleton(sp => CityCategories.Load(sp.GetRequiredService<IOptions<CityOptions>>().Value));
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ResearchOptions>().BindConfiguration("Collab:Research").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResearchOptions>, ResearchOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var file = sp.GetRequiredService<IOptions<CityOptions>>().Value.MapFile;
            if (string.IsNullOrWhiteSpace(file))
            {
                return CityMap.LoadDemo();
            }

            using var stream = File.OpenRead(file);
            return CityMap.Load(stream, $"Collab:City:MapFile '{file}'");
        });
        return services;
    }
}
