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

    private SiloProcess(Process process, int siloPort, int gatewayPort)
    {
        _process = process;
        _output = ProcessOutput.Capture(process);
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
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

    public bool HasExited => _process.HasExited;

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

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the silo process.");
        var silo = new SiloProcess(process, siloPort, gatewayPort);
        return silo;
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
