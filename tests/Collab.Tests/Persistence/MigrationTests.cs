using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Collab.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task MigratingTwiceAppliesEverythingOnceAndRecordsTheLatestVersion()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var migrator = new SchemaMigrator(connectionString, NullLogger<SchemaMigrator>.Instance);

        Assert.Equal(0, await migrator.CurrentVersionAsync());
        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), first.Select(m => m.Version));
        Assert.Empty(second);
        Assert.Equal(SchemaMigrator.LatestVersion, await migrator.CurrentVersionAsync());
        Assert.Equal(SchemaMigrator.Migrations.Count, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM collab_schema_version"));
        Assert.Equal(SchemaMigrator.LatestVersion, await ScalarAsync<int>(connectionString, "SELECT max(version) FROM collab_schema_version"));
    }

    [Fact]
    public async Task ConcurrentMigratorsApplyEachStepOnce()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var migrators = Enumerable.Range(0, 3).Select(_ => new SchemaMigrator(connectionString, NullLogger<SchemaMigrator>.Instance)).ToList();

        var results = await Task.WhenAll(migrators.Select(m => m.MigrateAsync()));

        Assert.Equal(SchemaMigrator.Migrations.Count, results.Sum(r => r.Count));
        Assert.Equal(SchemaMigrator.Migrations.Count, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM collab_schema_version"));
    }

    [Fact]
    public async Task TheSchemaHoldsEveryQueryTheOrleansProvidersNeed()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();

        string[] required =
        [
            "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
            "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key",
            "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        var keys = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        Assert.Empty(required.Except(keys));
    }

    [Fact]
    public async Task SiloRefusesToStartOnAnEmptySchemaAndNamesTheMigrateCommand()
    {
        var hosts = new AdoNetHosts(await postgres.CreateDatabaseAsync());
        using var silo = hosts.BuildSilo();

        var error = await Assert.ThrowsAsync<SchemaOutOfDateException>(() => silo.StartAsync());

        Assert.Equal(0, error.CurrentVersion);
        Assert.Contains("dotnet run --project Silo -- migrate", error.Message);
    }

    [Fact]
    public async Task SiloRefusesToStartOnAnOlderSchema()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        await ScalarAsync<int>(connectionString, "DELETE FROM collab_schema_version WHERE version = (SELECT max(version) FROM collab_schema_version) RETURNING version");
        using var silo = new AdoNetHosts(connectionString).BuildSilo();

        var error = await Assert.ThrowsAsync<SchemaOutOfDateException>(() => silo.StartAsync());

        Assert.Equal(SchemaMigrator.LatestVersion - 1, error.CurrentVersion);
        Assert.Equal(SchemaMigrator.LatestVersion, error.ExpectedVersion);
        Assert.Contains("migrate", error.Message);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
