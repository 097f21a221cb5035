using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Collab.LoadTest.Driving;

/// <summary>
/// e2e-postgres needs a database with the current schema. Given <c>--pg</c>, that server gets a
/// database of its own (dropped at the end); otherwise a throwaway PostgreSQL is started from the
/// installed binaries, as the tests do. Null when neither is possible or e2e-postgres is not selected.
/// </summary>
internal sealed class ThrowawayDatabase : IAsyncDisposable
{
    private readonly PostgresServer? _server;
    private readonly string _admin;
    private readonly string _name;

    private ThrowawayDatabase(PostgresServer? server, string admin, string name, string connectionString)
    {
        _server = server;
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<ThrowawayDatabase?> ForAsync(LoadOptions options)
    {
        if (!options.Runs("pg")) return null;
        PostgresServer? server = null;
        if (string.IsNullOrWhiteSpace(options.Postgres))
        {
            if (!File.Exists("/usr/lib/postgresql/15/bin/initdb")) return null;
            server = await PostgresServer.StartNewAsync();
        }

        var admin = options.Postgres ?? server!.AdminConnectionString;
        var (name, connectionString) = await CreateAsync(admin);
        return new ThrowawayDatabase(server, admin, name, connectionString);
    }

    /// <summary>A new database with the current schema on the server of <paramref name="admin"/>: its name and connection string.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateAsync(string admin)
    {
        var name = "collab_load_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 100 }.ConnectionString;
        await new SchemaMigrator(connectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        return (name, connectionString);
    }

    /// <summary>Drops a database <see cref="CreateAsync"/> made.</summary>
    public static async Task DropAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            return;
        }

        await DropAsync(_admin, _name);
    }
}
