using Collab.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Collab.Silo.Persistence;

/// <summary><c>Collab.Silo migrate</c>: brings the database named by <c>ConnectionStrings:Collab</c> up to date, then exits.</summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static bool IsRequested(string[] args) => args.Length > 0 && string.Equals(args[0], Name, StringComparison.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args[1..]);
        builder.Services.AddCollabSchemaMigrator();
        using var host = builder.Build();
        var migrator = host.Services.GetRequiredService<SchemaMigrator>();

        var applied = await migrator.MigrateAsync();
        foreach (var migration in applied)
        {
            Console.WriteLine($"applied {migration.Version:D4} {migration.Name}");
        }

        Console.WriteLine(applied.Count == 0
            ? $"schema is up to date at version {SchemaMigrator.LatestVersion}"
            : $"schema is now at version {SchemaMigrator.LatestVersion}");
        return 0;
    }

    /// <summary>The migrator, bound to <c>ConnectionStrings:Collab</c>.</summary>
    public static IServiceCollection AddCollabSchemaMigrator(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new SchemaMigrator(
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Collab!,
            sp.GetRequiredService<ILogger<SchemaMigrator>>()));
        return services;
    }
}
