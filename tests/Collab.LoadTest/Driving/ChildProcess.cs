using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Threading.Channels;
using Collab.LoadTest.Serving;

namespace Collab.LoadTest.Driving;

/// <summary>
/// The driver's handle on a child process of this program (<c>--serve ...</c> or <c>--clients</c>):
/// it answers one-line commands on stdin with one line prefixed <see cref="ServeMode.Prefix"/> on
/// stdout (anything else it prints, and its stderr, is not a reply).
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _replies = Channel.CreateUnbounded<string>();
    private readonly Queue<string> _stderrTail = new();
    private readonly SemaphoreSlim _requests = new(1, 1);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public IReadOnlyDictionary<string, string> Info { get; private set; } = new Dictionary<string, string>();

    public int Id => _process.Id;

    /// <summary>Starts the child and waits for it to listen; throws with the child's reason if it cannot.</summary>
    public static async Task<ChildProcess> StartAsync(IEnumerable<string> childArgs, IDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var host = Environment.ProcessPath ?? "dotnet";
        info.FileName = host;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Started as `dotnet Collab.LoadTest.dll`: start the child the same way.
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in childArgs)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the child process.");
        var server = new ChildProcess(process);
        server.Pump();
        using var cts = new CancellationTokenSource(timeout);
        string first;
        try
        {
            first = await server._replies.Reader.ReadAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            var tail = server.StderrTail();
            await server.DisposeAsync();
            throw new InvalidOperationException($"the child process did not start ({tail})");
        }

        if (!first.StartsWith("ready", StringComparison.Ordinal))
        {
            await server.DisposeAsync();
            throw new InvalidOperationException(first.StartsWith("failed ", StringComparison.Ordinal) ? first["failed ".Length..] : first);
        }

        server.Info = first["ready".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1]);
        return server;
    }

    /// <summary>Reads the child's output on dedicated threads: redirected pipes would otherwise hold thread-pool threads the clients need.</summary>
    private void Pump()
    {
        var stdout = _process.StandardOutput;
        var stderr = _process.StandardError;
        Start(() =>
        {
            while (stdout.ReadLine() is { } line)
            {
                if (line.StartsWith(ServeMode.Prefix, StringComparison.Ordinal))
                {
                    _replies.Writer.TryWrite(line[ServeMode.Prefix.Length..]);
                }
            }

            _replies.Writer.TryComplete();
        });
        Start(() =>
        {
            while (stderr.ReadLine() is { } line)
            {
                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(line);
                    if (_stderrTail.Count > 20) _stderrTail.Dequeue();
                }
            }
        });
    }

    private void Start(Action read) => new Thread(() =>
    {
        try
        {
            read();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The child is gone and its pipes closed under us: nothing more to read.
        }
        finally
        {
            _replies.Writer.TryComplete();
        }
    })
    { IsBackground = true, Name = "load-test child output" }.Start();

    public string StderrTail()
    {
        lock (_stderrTail)
        {
            return _stderrTail.Count == 0 ? "no output" : string.Join(" | ", _stderrTail.TakeLast(5));
        }
    }

    /// <summary>Sends one command and returns the child's one-line answer (without the prefix).</summary>
    public async Task<string> AskAsync(string command, TimeSpan? timeout = null)
    {
        await _requests.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                return await _replies.Reader.ReadAsync(cts.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                throw new InvalidOperationException($"child {_process.Id} did not answer '{command.Split(' ')[0]}' ({StderrTail()})", ex);
            }
        }
        finally
        {
            _requests.Release();
        }
    }

    /// <summary>Methods the child's JIT has compiled so far (tier-up recompilations included).</summary>
    public async Task<long> JitMethodsAsync()
    {
        var reply = await AskAsync("jit");
        return long.Parse(reply.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <summary>What the child's GC has done so far.</summary>
    public async Task<ServerGc> GcAsync() => ServerGc.Parse(await AskAsync("gc"));

    /// <summary>The child's total CPU time so far.</summary>
    public async Task<TimeSpan> CpuAsync()
    {
        var reply = await AskAsync("cpu");
        return TimeSpan.FromMilliseconds(double.Parse(reply.Split(' ')[1], CultureInfo.InvariantCulture));
    }

    /// <summary>SIGKILL: the child stops at once, nothing flushed.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // The child already closed its input; waiting and killing below still apply.
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Our own child, by its handle: it did not stop in time.
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _requests.Dispose();
    }
}
