using System.Globalization;

namespace Collab.LoadTest.Driving;

/// <summary>
/// A server child (<c>Collab.LoadTest --serve ...</c>). Running the servers in their own process
/// lets the harness read their CPU time and memory without the clients'.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;

    private ServerProcess(ChildProcess child)
    {
        _child = child;
    }

    public IReadOnlyDictionary<string, string> Info => _child.Info;

    public Uri Url => new(Info["url"]);

    /// <summary>Starts the child and waits for it to listen; throws with the child's reason if it cannot.</summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> serveArgs, IDictionary<string, string?>? environment, TimeSpan timeout) =>
        new(await ChildProcess.StartAsync(serveArgs, environment, timeout));

    /// <summary>The child's total CPU time so far.</summary>
    public Task<TimeSpan> CpuAsync() => _child.CpuAsync();

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
    public void Kill() => _child.Kill();

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
