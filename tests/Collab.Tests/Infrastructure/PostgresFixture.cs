using Npgsql;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for the <c>postgres</c> collection: the server named by <c>COLLAB_TEST_PG</c>
/// (a connection string), or a throwaway PostgreSQL 15 started from its binaries on a free
/// loopback port in a temp directory. Every test asks for its own fresh database.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly List<string> _databases = [];
    private PostgresServer? _server;
    private string _adminConnectionString = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("COLLAB_TEST_PG") is { Length: > 0 } external)
        {
            _adminConnectionString = external;
            return;
        }

        _server = await PostgresServer.StartNewAsync();
        _adminConnectionString = _server.AdminConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is null)
        {
            // A shared server outlives the run: leave it as we found it.
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            foreach (var name in _databases)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }

            return;
        }

        await _server.DisposeAsync();
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "collab_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (_databases)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>A new database with Collab's schema migrated into it; returns its connection string.</summary>
    public async Task<string> MigratedDatabaseAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        await new Collab.Silo.Persistence.SchemaMigrator(connectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger<Collab.Silo.Persistence.SchemaMigrator>.Instance).MigrateAsync();
        return connectionString;
    }

    /// <summary>
    /// Stops the fixture's server (an outage: every connection drops, new ones are refused). The
    /// tests of the collection run one at a time, so only the caller sees it. A shared server
    /// (<c>COLLAB_TEST_PG</c>) is not ours to stop: the outage tests start a server of their own then.
    /// </summary>
    public Task StopAsync() => Owned.StopAsync();

    /// <summary>Starts the stopped server again, on the same port, with its data.</summary>
    public Task StartAsync() => Owned.StartAsync();

    /// <summary>True when <see cref="StopAsync"/> is allowed (the server is this fixture's own).</summary>
    public bool CanStop => _server is not null;

    /// <summary>
    /// A migrated database on a server the caller may stop and start (an outage): the fixture's own
    /// server, or, when that is shared (<c>COLLAB_TEST_PG</c>), a throwaway one the result disposes.
    /// </summary>
    public async Task<StoppableDatabase> StoppableDatabaseAsync()
    {
        var own = CanStop ? null : await PostgresServer.StartNewAsync();
        string connectionString;
        if (own is null)
        {
            connectionString = await MigratedDatabaseAsync();
        }
        else
        {
            connectionString = new NpgsqlConnectionStringBuilder(own.AdminConnectionString) { Pooling = true }.ConnectionString;
            await new Collab.Silo.Persistence.SchemaMigrator(connectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger<Collab.Silo.Persistence.SchemaMigrator>.Instance).MigrateAsync();
        }

        return own is null
            ? new StoppableDatabase(connectionString, StopAsync, StartAsync, null)
            : new StoppableDatabase(connectionString, own.StopAsync, own.StartAsync, own);
    }

    private PostgresServer Owned => _server ?? throw new InvalidOperationException("The PostgreSQL server is shared (COLLAB_TEST_PG); it is not stopped by tests.");
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>A migrated database whose server a test may stop (<see cref="Stop"/>) and start again.</summary>
public sealed record StoppableDatabase(string ConnectionString, Func<Task> Stop, Func<Task> Start, PostgresServer? Own) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (Own is not null)
        {
            await Own.DisposeAsync();
        }
    }
}
