using Collab.LoadTest.Clients;

namespace Collab.LoadTest.Driving;

/// <summary>Where clients run: a client child process, or (with <c>--client-procs 0</c>) this one.</summary>
internal interface IClientHost : IAsyncDisposable
{
    /// <summary>Sends a <see cref="ClientHost"/> command and returns its answer; throws when the host reports an error.</summary>
    Task<string> AskAsync(string command, TimeSpan? timeout = null);

    /// <summary>The host process's CPU time so far; zero for this process, which the driver counts itself.</summary>
    Task<TimeSpan> CpuAsync();
}

/// <summary>The client host processes of one invocation, started together with the servers.</summary>
internal sealed class ClientHosts : IAsyncDisposable
{
    private ClientHosts(IReadOnlyList<IClientHost> hosts)
    {
        All = hosts;
    }

    public IReadOnlyList<IClientHost> All { get; }

    public static async Task<ClientHosts> StartAsync(int processes)
    {
        if (processes == 0) return new ClientHosts([new LocalClientHost()]);
        var children = await Task.WhenAll(Enumerable.Range(0, processes).Select(_ => ChildProcess.StartAsync(["--clients"], null, TimeSpan.FromSeconds(60))));
        return new ClientHosts([.. children.Select(c => new RemoteClientHost(c))]);
    }

    /// <summary>CPU time of every client process so far (this process's own not included).</summary>
    public async Task<TimeSpan> CpuAsync()
    {
        var all = await Task.WhenAll(All.Select(h => h.CpuAsync()));
        return all.Aggregate(TimeSpan.Zero, (a, b) => a + b);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in All)
        {
            await host.DisposeAsync();
        }
    }

    private static string Checked(string reply) =>
        reply.StartsWith("error", StringComparison.Ordinal) ? throw new InvalidOperationException($"a client host failed: {reply}") : reply;

    private sealed class RemoteClientHost(ChildProcess child) : IClientHost
    {
        public async Task<string> AskAsync(string command, TimeSpan? timeout = null) => Checked(await child.AskAsync(command, timeout));

        public Task<TimeSpan> CpuAsync() => child.CpuAsync();

        public ValueTask DisposeAsync() => child.DisposeAsync();
    }

    private sealed class LocalClientHost : IClientHost
    {
        private readonly ClientHost _host = new(countOwnCpu: false);
        private readonly SemaphoreSlim _one = new(1, 1);

        public async Task<string> AskAsync(string command, TimeSpan? timeout = null)
        {
            await _one.WaitAsync();
            try
            {
                return Checked(await _host.HandleAsync(command));
            }
            finally
            {
                _one.Release();
            }
        }

        public Task<TimeSpan> CpuAsync() => Task.FromResult(TimeSpan.Zero);

        public async ValueTask DisposeAsync()
        {
            await _host.DisposeAsync();
            _one.Dispose();
        }
    }
}
