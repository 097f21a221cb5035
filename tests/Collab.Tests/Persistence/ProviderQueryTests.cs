using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Storage;

namespace Collab.Tests.Persistence;

/// <summary>
/// The project's SQL against Orleans' own provider objects (as a silo wires them), for the paths a
/// short cluster test does not reach: reminders, optimistic-concurrency conflicts, dead-silo cleanup.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProviderQueryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task RemindersRoundTripWithVersionedDeletes()
    {
        var hosts = await MigratedHostsAsync();
        using var silo = await hosts.StartSiloAsync();
        var table = silo.Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create("test", Guid.NewGuid().ToString("N"));
        var entry = new ReminderEntry { GrainId = grain, ReminderName = "sweep", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(5) };

        var first = await table.UpsertRow(entry) ?? throw new InvalidOperationException("No ETag from the first upsert.");
        var second = await table.UpsertRow(entry) ?? throw new InvalidOperationException("No ETag from the second upsert.");
        Assert.NotEqual(first, second);

        var read = await table.ReadRow(grain, "sweep");
        Assert.NotNull(read);
        Assert.Equal(second, read.ETag);
        Assert.Equal(TimeSpan.FromMinutes(5), read.Period);
        Assert.Single((await table.ReadRows(grain)).Reminders);

        var hash = grain.GetUniformHashCode();
        Assert.Contains((await table.ReadRows(hash - 1, hash)).Reminders, r => r.GrainId == grain);
        Assert.DoesNotContain((await table.ReadRows(hash, hash + 1)).Reminders, r => r.GrainId == grain);
        Assert.Contains((await table.ReadRows(hash, hash)).Reminders, r => r.GrainId == grain); // the whole ring

        Assert.False(await table.RemoveRow(grain, "sweep", first));
        Assert.True(await table.RemoveRow(grain, "sweep", second));
        Assert.Null(await table.ReadRow(grain, "sweep"));

        await silo.StopAsync();
    }

    [Fact]
    public async Task GrainStateRejectsAStaleWriterAndKeepsClearedRowsVersioned()
    {
        var hosts = await MigratedHostsAsync();
        using var silo = await hosts.StartSiloAsync();
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Collab);
        var grain = GrainId.Create("test", Guid.NewGuid().ToString("N"));

        var writer = new GrainState<List<string>>(["first"]);
        await storage.WriteStateAsync("test-state", grain, writer);
        var duplicateActivation = new GrainState<List<string>>(["forked"]);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("test-state", grain, duplicateActivation));

        writer.State!.Add("second");
        await storage.WriteStateAsync("test-state", grain, writer);
        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("test-state", grain, read);
        Assert.Equal(["first", "second"], read.State);
        Assert.Equal(writer.ETag, read.ETag);
        Assert.True(read.RecordExists);

        await storage.ClearStateAsync("test-state", grain, writer);
        var cleared = new GrainState<List<string>>();
        await storage.ReadStateAsync("test-state", grain, cleared);
        Assert.False(cleared.RecordExists);
        Assert.Empty(cleared.State!);
        Assert.Equal(writer.ETag, cleared.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("test-state", grain, read));

        await silo.StopAsync();
    }

    [Fact]
    public async Task DefunctSiloCleanupRemovesOnlyOldDeadRows()
    {
        var hosts = await MigratedHostsAsync();
        using var survivor = await hosts.StartSiloAsync();
        using (var leaver = await hosts.StartSiloAsync())
        {
            await leaver.StopAsync();
        }

        var table = survivor.Services.GetRequiredService<IMembershipTable>();
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(-10), CancellationToken.None);
        Assert.Equal(1L, await CountAsync(hosts, 6));

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.Equal(0L, await CountAsync(hosts, 6));
        Assert.Equal(1L, await CountAsync(hosts, 3));

        await survivor.StopAsync();
    }

    private async Task<AdoNetHosts> MigratedHostsAsync()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        return new AdoNetHosts(connectionString);
    }

    private static async Task<long> CountAsync(AdoNetHosts hosts, int status)
    {
        await using var connection = new NpgsqlConnection(hosts.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_membership WHERE deployment_id = @cluster AND status = @status", connection);
        command.Parameters.AddWithValue("cluster", hosts.ClusterId);
        command.Parameters.AddWithValue("status", status);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
