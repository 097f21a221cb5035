using System.Diagnostics;
using System.Globalization;
using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;
using Collab.Silo;
using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Core.Internal;

namespace Collab.Benchmarks;

/// <summary>
/// Durability costs, each next to a baseline measured in the same run: cold activation with state in
/// PostgreSQL (vs memory storage), event-log append throughput (vs a raw Npgsql INSERT), commands
/// through grains (vs memory storage), and replay of 1,000 events (from the log vs the in-state
/// timeline; a cold activation restoring them vs one with a complete snapshot).
/// </summary>
public static class Benchmark
{
    private const int Warmup = 200;
    private static readonly Actor Police = new(ActorRole.Police, "police-bench", "Desk 1", "en");

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchmarkOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: Collab.Benchmarks [--pg CONNSTRING] [--grains N] [--appends N] [--concurrency N]");
            return 2;
        }

        await using var server = options.ConnectionString is null ? await PostgresServer.StartNewAsync() : null;
        var admin = options.ConnectionString ?? server!.AdminConnectionString;
        var database = await CreateDatabaseAsync(admin);
        try
        {
            await new SchemaMigrator(database, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Collab durability benchmark: {Environment.ProcessorCount} cores, PostgreSQL {(server is null ? "given by --pg" : "throwaway (fsync off)")}, {options.Grains} grains, {options.Appends} appends, concurrency {options.Concurrency}"));
            Console.WriteLine();

            Console.WriteLine($"Cold activation of an incident (first call after deactivation), {options.Grains} grains, one at a time:");
            Stats memoryCold, pgCold;
            using (var silo = await StartSiloAsync(null))
            {
                memoryCold = await ColdActivationAsync(Grains(silo), options.Grains);
                await silo.StopAsync();
            }

            using (var silo = await StartSiloAsync(database))
            {
                pgCold = await ColdActivationAsync(Grains(silo), options.Grains);
                await silo.StopAsync();
            }

            Console.WriteLine($"  baseline, memory storage : {memoryCold}");
            Console.WriteLine($"  PostgreSQL state + log   : {pgCold}");
            Console.WriteLine();

            Console.WriteLine($"Event log append, one event per append, {options.Concurrency} writers:");
            var raw = await AppendThroughputAsync(database, options.Appends, options.Concurrency, useLog: false);
            var logged = await AppendThroughputAsync(database, options.Appends, options.Concurrency, useLog: true);
            Console.WriteLine($"  baseline, raw INSERT     : {raw}");
            Console.WriteLine($"  IEventLog.AppendAsync    : {logged}");
            Console.WriteLine();

            Console.WriteLine($"Commands (AddNote) through grains, {options.Concurrency} callers:");
            string memoryNotes, pgNotes;
            using (var silo = await StartSiloAsync(null))
            {
                memoryNotes = await NoteThroughputAsync(Grains(silo), options.Appends / 4, options.Concurrency);
                await silo.StopAsync();
            }

            using (var silo = await StartSiloAsync(database))
            {
                pgNotes = await NoteThroughputAsync(Grains(silo), options.Appends / 4, options.Concurrency);
                await silo.StopAsync();
            }

            Console.WriteLine($"  baseline, memory storage : {memoryNotes}");
            Console.WriteLine($"  PostgreSQL (log rows)    : {pgNotes}");
            Console.WriteLine();

            Console.WriteLine("Replay of 1,000 events (one incident: a report and 999 notes):");
            using (var silo = await StartSiloAsync(database))
            {
                await ReplayAsync(Grains(silo), database);
                await silo.StopAsync();
            }

            return 0;
        }
        finally
        {
            await DropDatabaseAsync(admin, database);
        }
    }

    private static IGrainFactory Grains(IHost silo) => silo.Services.GetRequiredService<IGrainFactory>();

    private static async Task<Stats> ColdActivationAsync(IGrainFactory grains, int count)
    {
        var ids = Enumerable.Range(0, count + Warmup).Select(_ => Guid.NewGuid().ToString("D")).ToList();
        await ForEachAsync(ids, 8, async id => Ok(await grains.GetGrain<IIncidentGrain>(id).ReportAsync(Report())));
        await DeactivateAsync(grains, ids);

        // JIT and connection pool warm, grains cold.
        foreach (var id in ids.Take(Warmup))
        {
            Ok(await grains.GetGrain<IIncidentGrain>(id).GetAsync(Police));
        }

        var times = new List<double>(count);
        foreach (var id in ids.Skip(Warmup))
        {
            var clock = Stopwatch.StartNew();
            Ok(await grains.GetGrain<IIncidentGrain>(id).GetAsync(Police));
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return new Stats(times);
    }

    private static async Task<string> AppendThroughputAsync(string database, int total, int concurrency, bool useLog)
    {
        await using var source = NpgsqlDataSource.Create(database);
        var log = new NpgsqlEventLog(source);
        var run = Guid.NewGuid().ToString("N")[..8];
        var table = $"bench_raw_{run}";
        if (!useLog)
        {
            await using var create = source.CreateCommand(
                $"CREATE TABLE {table} (stream varchar(200) NOT NULL, seq bigint NOT NULL, event_id varchar(64) NOT NULL, event_type varchar(100) NOT NULL, occurred_at timestamptz NOT NULL, payload jsonb NOT NULL)");
            await create.ExecuteNonQueryAsync();
        }

        var payload = """{"visibility":"Public","seqPublic":2,"seqCouncil":2,"actor":{"role":"Police","userId":"police-bench","name":"Desk 1","language":"en"},"fact":{"text":"Unit 7 is on its way; the street is closed between the bridge and the market.","noteVisibility":"Public","language":"en"},"key":"police-bench\nnote-1"}""";
        var perWriter = total / concurrency;
        var times = new double[perWriter * concurrency];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            for (var i = 1; i <= perWriter; i++)
            {
                var e = new LoggedEvent($"bench:{run}:{w}", i, Guid.NewGuid().ToString("N"), "incident.note_added", DateTimeOffset.UtcNow, payload);
                var one = Stopwatch.StartNew();
                if (useLog)
                {
                    await log.AppendAsync([e]);
                }
                else
                {
                    await using var insert = source.CreateCommand($"INSERT INTO {table} VALUES (@s, @q, @i, @t, @o, @p::jsonb)");
                    insert.Parameters.AddWithValue("s", e.Stream);
                    insert.Parameters.AddWithValue("q", e.Seq);
                    insert.Parameters.AddWithValue("i", e.EventId);
                    insert.Parameters.AddWithValue("t", e.Type);
                    insert.Parameters.AddWithValue("o", e.OccurredAt);
                    insert.Parameters.AddWithValue("p", e.Payload);
                    await insert.ExecuteNonQueryAsync();
                }

                times[(w * perWriter) + i - 1] = one.Elapsed.TotalMilliseconds;
            }
        })));
        var elapsed = clock.Elapsed;
        if (!useLog)
        {
            await using var drop = source.CreateCommand($"DROP TABLE {table}");
            await drop.ExecuteNonQueryAsync();
        }

        return string.Create(CultureInfo.InvariantCulture, $"{times.Length / elapsed.TotalSeconds,8:F0} events/s   {new Stats(times)}");
    }

    private static async Task<string> NoteThroughputAsync(IGrainFactory grains, int total, int concurrency)
    {
        var ids = Enumerable.Range(0, concurrency * 4).Select(_ => Guid.NewGuid().ToString("D")).ToList();
        await ForEachAsync(ids, concurrency, async id => Ok(await grains.GetGrain<IIncidentGrain>(id).ReportAsync(Report())));
        var perCaller = total / concurrency;
        var times = new double[perCaller * concurrency];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < perCaller; i++)
            {
                var grain = grains.GetGrain<IIncidentGrain>(ids[(c * 4) + (i % 4)]);
                var one = Stopwatch.StartNew();
                Ok(await grain.AddNoteAsync(new AddNote(Guid.NewGuid().ToString("N"), Police, $"Note {i}", NoteVisibility.Public, "en")));
                times[(c * perCaller) + i] = one.Elapsed.TotalMilliseconds;
            }
        })));
        return string.Create(CultureInfo.InvariantCulture, $"{times.Length / clock.Elapsed.TotalSeconds,8:F0} commands/s {new Stats(times)}");
    }

    private static async Task ReplayAsync(IGrainFactory grains, string database)
    {
        var id = Guid.NewGuid().ToString("D");
        var incident = grains.GetGrain<IIncidentGrain>(id);
        Ok(await incident.ReportAsync(Report()));
        var afterReport = await SnapshotAsync(database, id);
        for (var i = 1; i < 1_000; i++)
        {
            Ok(await incident.AddNoteAsync(new AddNote($"n{i}", Police, $"Note {i}: the street is closed between the bridge and the market.", NoteVisibility.Public, "en")));
        }

        var inState = await RepeatAsync(20, async () => Check(await incident.ReadAsync(Audience.Police, 0, 1_000)));
        await using var source = NpgsqlDataSource.Create(database);
        var log = new NpgsqlEventLog(source);
        var fromLog = await RepeatAsync(20, async () => Check(await log.ReadAsync($"incident:{id}", 0, 1_000)));
        Console.WriteLine($"  baseline, in-state timeline (ReadAsync)     : {inState}");
        Console.WriteLine($"  from the PostgreSQL log (IEventLog.ReadAsync): {fromLog}");

        var complete = await RepeatAsync(5, async () =>
        {
            await DeactivateAsync(grains, [id]);
            return Stopwatch.StartNew();
        }, incident);
        var restoring = await RepeatAsync(5, async () =>
        {
            await DeactivateAsync(grains, [id]);
            // The snapshot as it was right after the report: a fresh activation re-applies 999 notes.
            await RestoreSnapshotAsync(database, afterReport);
            return Stopwatch.StartNew();
        }, incident);
        Console.WriteLine($"  baseline, cold activation, complete snapshot: {complete}");
        Console.WriteLine($"  cold activation restoring 999 logged events : {restoring}");
    }

    private static int Check(StreamPage page) => page.Events.Count == 1_000 ? 1 : throw new InvalidOperationException($"Read {page.Events.Count} events, not 1,000.");

    private static int Check(IReadOnlyList<LoggedEvent> rows) => rows.Count == 1_000 ? 1 : throw new InvalidOperationException($"Read {rows.Count} rows, not 1,000.");

    private static async Task<Stats> RepeatAsync(int times, Func<Task<int>> action)
    {
        await action();
        var results = new List<double>();
        for (var i = 0; i < times; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            results.Add(clock.Elapsed.TotalMilliseconds);
        }

        return new Stats(results);
    }

    /// <summary>Times the first call after <paramref name="prepare"/> (whose own time is not counted).</summary>
    private static async Task<Stats> RepeatAsync(int times, Func<Task<Stopwatch>> prepare, IIncidentGrain incident)
    {
        var results = new List<double>();
        for (var i = 0; i < times; i++)
        {
            var clock = await prepare();
            clock.Restart();
            var view = Ok(await incident.GetAsync(Police));
            results.Add(clock.Elapsed.TotalMilliseconds);
            if (view.Notes.Count != 999)
            {
                throw new InvalidOperationException($"The incident came back with {view.Notes.Count} notes, not 999.");
            }
        }

        return new Stats(results);
    }

    private static async Task DeactivateAsync(IGrainFactory grains, IReadOnlyList<string> ids)
    {
        await ForEachAsync(ids, 16, async id => await grains.GetGrain<IIncidentGrain>(id).AsReference<IGrainManagementExtension>().DeactivateOnIdle());
        // Deactivation finishes after the call returns; wait until the silo holds none of them.
        var management = grains.GetGrain<IManagementGrain>(0);
        for (var i = 0; i < 100; i++)
        {
            var stats = await management.GetSimpleGrainStatistics();
            if (stats.Where(s => s.GrainType.Contains("Incident", StringComparison.OrdinalIgnoreCase)).Sum(s => s.ActivationCount) == 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("The incidents did not deactivate within 5 s.");
    }

    private static async Task ForEachAsync(IReadOnlyList<string> ids, int concurrency, Func<string, Task> action)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Count)
            {
                await action(ids[i]);
            }
        })));
    }

    private static ReportIncident Report() =>
        new(Guid.NewGuid().ToString("N"), Police, "vandalism", "Bus shelter glass smashed", new GeoPoint(52.0712, 4.2811, 10), Severity.Medium, "en");

    private static T Ok<T>(Outcome<T> outcome) =>
        outcome.IsOk ? outcome.Value! : throw new InvalidOperationException($"Command failed: {outcome.Error}");

    private static async Task<IHost> StartSiloAsync(string? database)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collab:Cluster:Mode"] = "Localhost",
            ["Collab:Cluster:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Collab:Cluster:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Collab:Cluster:ClusterId"] = "bench-" + Guid.NewGuid().ToString("N")[..8],
            ["Collab:Storage:Mode"] = database is null ? "Memory" : "AdoNet",
            ["ConnectionStrings:Collab"] = database,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCollabSilo();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<string> CreateDatabaseAsync(string admin)
    {
        var name = "collab_bench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 100 }.ConnectionString;
    }

    private static async Task DropDatabaseAsync(string admin, string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<(string Type, string Extension, byte[] Payload, int Version)>> SnapshotAsync(string database, string id)
    {
        var rows = new List<(string, string, byte[], int)>();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT grain_type, grain_id_extension, payload, version FROM orleans_grain_state WHERE grain_id_extension LIKE @id AND payload IS NOT NULL", connection);
        command.Parameters.AddWithValue("id", "%" + id + "%");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetInt32(3)));
        }

        return rows;
    }

    private static async Task RestoreSnapshotAsync(string database, List<(string Type, string Extension, byte[] Payload, int Version)> rows)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var (type, extension, payload, version) in rows)
        {
            await using var command = new NpgsqlCommand(
                "UPDATE orleans_grain_state SET payload = @payload, version = @version WHERE grain_type = @type AND grain_id_extension = @extension", connection);
            command.Parameters.AddWithValue("payload", payload);
            command.Parameters.AddWithValue("version", version);
            command.Parameters.AddWithValue("type", type);
            command.Parameters.AddWithValue("extension", extension);
            await command.ExecuteNonQueryAsync();
        }
    }
}
