using System.Diagnostics;

namespace Collab.Tests.Infrastructure;

/// <summary>
/// A real gateway process (<c>dotnet Collab.Gateway.dll</c>) on loopback, a client of a
/// <see cref="SiloProcess.StartLocalhost"/> silo, configured through environment variables, with
/// the tests' signing key and development tokens. <see cref="Terminate"/> sends SIGTERM, as
/// Kubernetes does; dispose kills it.
/// </summary>
public sealed class GatewayProcess : IDisposable
{
    private static readonly string GatewayAssembly = SiloProcess.FindAssembly("Gateway", "Collab.Gateway.dll");

    private readonly Process _process;
    private readonly ProcessOutput _output;

    private GatewayProcess(Process process, Uri url)
    {
        _process = process;
        _output = ProcessOutput.Capture(process);
        Url = url;
    }

    public Uri Url { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote so far (for failure messages).</summary>
    public string Output => _output.ToString();

    /// <summary>
    /// Starts a gateway in front of <paramref name="silo"/>; settings in <paramref name="settings"/> (as
    /// environment variable names) win. <paramref name="url"/> (default: a free port) lets a gateway
    /// come back where a stopped one listened.
    /// </summary>
    public static GatewayProcess Start(SiloProcess silo, string clusterId, Dictionary<string, string>? settings = null, Uri? url = null)
    {
        url ??= new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { GatewayAssembly },
            WorkingDirectory = Path.GetDirectoryName(GatewayAssembly),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Testing";
        env["ASPNETCORE_URLS"] = url.ToString();
        env["Collab__Cluster__Mode"] = "Localhost";
        env["Collab__Cluster__ClusterId"] = clusterId;
        env["Collab__Cluster__GatewayPort"] = silo.GatewayPort.ToString();
        env["Collab__Storage__Mode"] = "Memory";
        env["Collab__Auth__DevTokens"] = "true";
        env["Collab__Auth__AllowDevTokensOutsideDevelopment"] = "true";
        env["Collab__Auth__SigningKey"] = GatewayFixture.SigningKey;
        env["Logging__LogLevel__Default"] = "Warning";
        env["Logging__LogLevel__Collab.Gateway.Operations.GatewayDrain"] = "Information";
        env["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in settings ?? [])
        {
            env[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the gateway process.");
        var gateway = new GatewayProcess(process, url);
        return gateway;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (the process is up and its cluster client connected).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
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
                // Listening, not answering yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The gateway was not ready within {timeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>SIGTERM: the host stops gracefully (and drains), as on a Kubernetes pod's termination.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
