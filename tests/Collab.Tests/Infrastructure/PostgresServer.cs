using System.Diagnostics;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 from the installed binaries: its own data directory under temp, a free
/// loopback port, no durability settings (tests need speed, not crash safety of the server itself).
/// Can be stopped and started again on the same port, as an outage.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Where the server binaries are; <c>COLLAB_PG_BIN</c> overrides the Debian default.</summary>
    public static readonly string BinDirectory =
        Environment.GetEnvironmentVariable("COLLAB_PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    // PostgreSQL refuses to run as root, and CI runs as root: the server tools run as the postgres account.
    private static readonly bool AsRoot = Environment.UserName == "root";

    private readonly string _root;
    private readonly int _port;

    private PostgresServer(string root, int port)
    {
        _root = root;
        _port = port;
    }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false";

    private string Data => Path.Combine(_root, "data");

    public static async Task<PostgresServer> StartNewAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "collab-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "data"));
        Directory.CreateDirectory(Path.Combine(root, "socket"));
        if (AsRoot)
        {
            await RunAsync("chown", ["-R", "postgres", root], asPostgres: false);
        }

        var server = new PostgresServer(root, FreePorts.Next());
        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", server.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], AsRoot);
        await server.StartAsync();
        return server;
    }

    /// <remarks>
    /// fsync is off (the machine does not crash under a test, only the server does), but commits
    /// are synchronous: with <c>synchronous_commit=off</c> a commit is acknowledged before its WAL
    /// is written, and the immediate stop of <see cref="StopAsync"/> then drops transactions the
    /// product was told were committed, which made the outage test lose an acknowledged note.
    /// </remarks>
    public Task StartAsync() => RunAsync(
        Path.Combine(BinDirectory, "pg_ctl"),
        [
            "-D", Data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {_port} -k {Path.Combine(_root, "socket")} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c full_page_writes=off -c max_connections=200",
            "start",
        ],
        AsRoot);

    /// <summary>Stops the server at once, dropping every connection, as a crash or an outage does.</summary>
    public Task StopAsync() => RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"], AsRoot);

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await StopAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
