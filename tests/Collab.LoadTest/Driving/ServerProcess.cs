using System.Globalization;

namespace Collab.LoadTest.Driving;

/// <summary>
/// A server child (<c>Collab.LoadTest --serve ...</c>). Running the servers in their own process
/// lets the harness read their CPU time and memory without the clients'.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;

    /// <summary>A split e2e server's silo (<see cref="_child"/> is then its gateway); null otherwise.</summary>
    private readonly ChildProcess? _silo;

    private ServerProcess(ChildProcess child, ChildProcess? silo = null)
    {
        _child = child;
        _silo = silo;
        Info = silo is null ? child.Info : new Dictionary<string, string>(silo.Info.Concat(child.Info.Where(kv => !silo.Info.ContainsKey(kv.Key))));
    }

    public IReadOnlyDictionary<string, string> Info { get; }

    public Uri Url => new(Info["url"]);

    /// <summary>
    /// The shared array pool's arrays kept per size and core, for every server child alike (bare and
    /// Collab): the gateway's deployment setting (<c>k8s/base/gateway.yaml</c>). A server writing to a
    /// thousand connections holds far more pipe segments at once than the default 32 per core; past
    /// them each segment was a new array and garbage soon after, over 1 KB per delivery in the
    /// saturating rows. The driver's own value, when set, is what the children get.
    /// </summary>
    public const string ArrayPoolVariable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    private static IDictionary<string, string?> Served(IDictionary<string, string?>? environment)
    {
        var served = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>());
        if (Environment.GetEnvironmentVariable(ArrayPoolVariable) is null)
        {
            served.TryAdd(ArrayPoolVariable, "1024");
        }

        return served;
    }

    /// <summary>Starts the child and waits for it to listen; throws with the child's reason if it cannot.</summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> serveArgs, IDictionary<string, string?>? environment, TimeSpan timeout) =>
        new(await ChildProcess.StartAsync(serveArgs, Served(environment), timeout));

    /// <summary>
    /// Collab as it is deployed: a silo process and a gateway process that joins it as a client
    /// (each collects its own heap). Its CPU is the sum of both; memory and counters are the gateway's.
    /// </summary>
    public static async Task<ServerProcess> StartSplitAsync(string storage, IDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var silo = await ChildProcess.StartAsync(["--serve", "collab-silo", "--storage", storage], Served(environment), timeout);
        try
        {
            var gatewayEnvironment = new Dictionary<string, string?>(Served(environment))
            {
                [Serving.CollabServer.SiloGatewayPortVariable] = silo.Info["clientPort"],
                [Serving.CollabServer.ClusterIdVariable] = silo.Info["clusterId"],
            };
            var gateway = await ChildProcess.StartAsync(["--serve", "collab-gateway", "--storage", storage], gatewayEnvironment, timeout);
            return new ServerProcess(gateway, silo);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>The total CPU time so far of the child (of both, when split).</summary>
    public async Task<TimeSpan> CpuAsync() =>
        _silo is null ? await _child.CpuAsync() : await _child.CpuAsync() + await _silo.CpuAsync();

    /// <summary>What the server's GC has done so far, both processes of a split server together.</summary>
    public async Task<ServerGc> GcAsync() =>
        _silo is null ? await _child.GcAsync() : await _child.GcAsync() + await _silo.GcAsync();

    /// <summary>Methods compiled so far by the child's JIT (by both, when split).</summary>
    public async Task<long> JitMethodsAsync() =>
        _silo is null ? await _child.JitMethodsAsync() : await _child.JitMethodsAsync() + await _silo.JitMethodsAsync();

    /// <summary>Managed heap after full collections, and working set, in bytes.</summary>
    public async Task<(long Managed, long WorkingSet)> MemoryAsync()
    {
        var parts = (await _child.AskAsync("mem")).Split(' ');
        return (long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>The gateway's own counter totals so far (empty for the bare server).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountersAsync()
    {
        var reply = await _child.AskAsync("counters");
        return System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(reply["counters ".Length..]) ?? [];
    }

    /// <summary>SIGKILL: the child stops at once, nothing flushed (a partner city's crash).</summary>
    public void Kill()
    {
        _child.Kill();
        _silo?.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        await _child.DisposeAsync();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
