using System.Diagnostics;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Federation;

/// <summary>
/// A <see cref="City"/> as a real process: <c>dotnet Collab.Gateway.dll</c> hosting its own silo
/// (embedded), configured through environment variables from the city's settings, listening on the
/// city's URL, so it can be killed (SIGKILL) and started again as a partner's operator would.
/// </summary>
public sealed class CityProcess : IDisposable
{
    private static readonly string GatewayAssembly = SiloProcess.FindAssembly("Gateway", "Collab.Gateway.dll");

    private readonly Process _process;
    private readonly ProcessOutput _output;

    private CityProcess(Process process)
    {
        _process = process;
        _output = ProcessOutput.Capture(process);
    }

    public string Output => _output.ToString();

    /// <summary>Starts <paramref name="city"/> (fresh silo ports and cluster id) and waits until it is ready.</summary>
    public static async Task<CityProcess> StartAsync(City city, TimeSpan? timeout = null)
    {
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
        env["ASPNETCORE_URLS"] = city.Url.ToString();
        env["Collab__Cluster__Mode"] = "Embedded";
        env["Collab__Cluster__SiloPort"] = FreePorts.Next().ToString();
        env["Collab__Cluster__GatewayPort"] = FreePorts.Next().ToString();
        env["Collab__Cluster__ClusterId"] = $"{city.Id}-{Guid.NewGuid():N}"[..20];
        env["Collab__Cluster__ServiceId"] = $"collab-{city.Id}";
        env["Logging__LogLevel__Default"] = "Warning";
        env["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in city.Settings)
        {
            env[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var started = new CityProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the city's process."));
        await started.WaitReadyAsync(city.Url, timeout ?? TimeSpan.FromSeconds(60));
        return started;
    }

    /// <summary>SIGKILL: no shutdown, nothing flushed.</summary>
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

    private async Task WaitReadyAsync(Uri url, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The city's process exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The city was not ready within {timeout}:\n{Output}");
    }
}
