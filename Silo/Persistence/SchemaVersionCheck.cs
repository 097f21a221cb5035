namespace Collab.Silo.Persistence;

/// <summary>
/// Stops the host before the silo starts when the schema is behind this build: Orleans would
/// otherwise fail later and less clearly (missing queries, missing tables), or corrupt nothing
/// but leave operators guessing. Registered ahead of Orleans so it runs first.
/// </summary>
public sealed class SchemaVersionCheck(SchemaMigrator migrator, ILogger<SchemaVersionCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var current = await migrator.CurrentVersionAsync(cancellationToken);
        if (current < SchemaMigrator.LatestVersion)
        {
            throw new SchemaOutOfDateException(current, SchemaMigrator.LatestVersion);
        }

        if (current > SchemaMigrator.LatestVersion)
        {
            // Migrations are additive, so an older silo can keep running during a rolling upgrade.
            logger.LogWarning("PostgreSQL schema version {Current} is newer than this build's {Expected}", current, SchemaMigrator.LatestVersion);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
