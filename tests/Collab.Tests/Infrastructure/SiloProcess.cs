using System.Diagnostics;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// A real silo process (<c>dotnet Collab.Silo.dll</c>) configured only through environment
/// variables, as an operator runs it, on the cluster of <see cref="AdoNetHosts"/>. Killed on dispose.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;

    private SiloProcess(Process process, int siloPort, int gatewayPort, int healthPort)
    {
        _process = process;
        _output = ProcessOutput.Capture(process);
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HealthPort = healthPort;
    }

    /// <summary>
    /// The silo's own build output (same configuration as the tests, which build it by reference):
    /// its copy beside the tests lacks the packages the tests get from the ASP.NET Core framework.
    /// </summary>
    private static string SiloAssembly { get; } = FindSiloAssembly();

    /// <summary>The response timeout of the silos (and of a gateway in front of them) in failover tests.</summary>
    public const string FailoverResponseTimeout = "00:00:05";

    public int SiloPort { get; }

    /// <summary>The port Orleans clients (gateways) connect to.</summary>
    public int GatewayPort { get; }

    /// <summary>The port of the silo's probes (<c>/health/ready</c> and the others).</summary>
    public int HealthPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The silo's process id (to send it a signal).</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Waits until <c>/health/ready</c> answers 200 (joined the cluster, storage reachable), as a
    /// Kubernetes readiness probe would; throws with the process's output if it exits or the wait ends first.
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HealthPort}"), Timeout = TimeSpan.FromSeconds(3) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The silo exited ({_process.ExitCode}) before it was ready:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // A slow answer while it starts.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The silo was not ready within {within}:\n{Output}");
    }

    /// <summary>What the process wrote so far (for failure messages).</summary>
    public string Output => _output.ToString();

    /// <summary>Starts a silo of <paramref name="hosts"/>' cluster; <paramref name="settings"/> (configuration keys) are added as environment variables.</summary>
    public static SiloProcess Start(AdoNetHosts hosts, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var siloPort = FreePorts.Next();
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Collab"] = hosts.ConnectionString,
            ["ORLEANS_SERVICE_ID"] = "collab-tests",
            ["ORLEANS_CLUSTER_ID"] = hosts.ClusterId,
            ["Collab__Cluster__Mode"] = "AdoNet",
            ["Collab__Storage__Mode"] = "AdoNet",
            ["Collab__Cluster__AdvertisedIPAddress"] = "127.0.0.1",
            // Declare a killed silo dead within a few seconds instead of Orleans' production minute.
            ["Collab__Cluster__Membership__ProbeTimeout"] = "00:00:01",
            ["Collab__Cluster__Membership__NumMissedProbesLimit"] = "2",
            ["Collab__Cluster__Membership__TableRefreshTimeout"] = "00:00:01",
            ["Collab__Cluster__Membership__IAmAliveTablePublishTimeout"] = "00:00:02",
            ["Collab__Cluster__Membership__DeathVoteExpirationTimeout"] = "00:00:10",
            // A call caught in flight by the kill fails after this instead of Orleans' 30 s, and is retried.
            ["Collab__Cluster__ResponseTimeout"] = FailoverResponseTimeout,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Launch(siloPort, FreePorts.Next(), environment);
    }

    /// <summary>A lone silo with memory storage on loopback (<c>Localhost</c> clustering), for gateway processes in front of it.</summary>
    public static SiloProcess StartLocalhost(string clusterId) =>
        Launch(FreePorts.Next(), FreePorts.Next(), new Dictionary<string, string?>
        {
            ["Collab__Cluster__Mode"] = "Localhost",
            ["Collab__Cluster__ClusterId"] = clusterId,
            ["Collab__Storage__Mode"] = "Memory",
        });

    private static SiloProcess Launch(int siloPort, int gatewayPort, Dictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { SiloAssembly },
            WorkingDirectory = Path.GetDirectoryName(SiloAssembly),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = start.Environment;
        env["DOTNET_ENVIRONMENT"] = "Testing";
        env["Collab__Cluster__SiloPort"] = siloPort.ToString();
        env["Collab__Cluster__GatewayPort"] = gatewayPort.ToString();
        env["Logging__LogLevel__Default"] = "Warning";
        env["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in settings)
        {
            env[name] = value;
        }

        var healthPort = FreePorts.Next();
        env["Collab__Operations__HealthPort"] = healthPort.ToString();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        return new SiloProcess(process, siloPort, gatewayPort, healthPort);
    }

    /// <summary>The build output of a project beside the tests' (same configuration and framework).</summary>
    internal static string FindAssembly(string folder, string assembly)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        for (var dir = testOutput; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collab.sln")))
            {
                var path = Path.Combine(dir.FullName, folder, "bin", configuration, framework, assembly);
                return File.Exists(path) ? path : throw new FileNotFoundException($"Build {folder} first.", path);
            }
        }

        throw new InvalidOperationException($"No Collab.sln above {AppContext.BaseDirectory}.");
    }

    private static string FindSiloAssembly() => FindAssembly("Silo", "Collab.Silo.dll");

    /// <summary>SIGTERM: the silo stops gracefully (grains deactivate, it leaves the membership), as on a pod's termination.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to exit; false if it is still running after <paramref name="within"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var wait = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown, no goodbye in the membership table.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
