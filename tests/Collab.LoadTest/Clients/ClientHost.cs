using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Collab.LoadTest.Clients;

/// <summary>
/// Hosts client pools and records their runs, driven by one-line commands (<c>verb {json}</c>)
/// that it answers with one line. A client child process (<c>--clients</c>) runs one; the driver
/// may run one itself (<c>--client-procs 0</c>). Commands:
/// <list type="bullet">
/// <item><c>pool {id, url, messagePack, streams}</c>: a new pool (no clients yet);</item>
/// <item><c>grow {id, n}</c>: replace closed clients and connect up to n;</item>
/// <item><c>follow {id, streams}</c>: every client follows exactly these streams;</item>
/// <item><c>begin {id, spec}</c>: start recording run <c>spec</c> (a <see cref="RunSpec"/>);</item>
/// <item><c>arrived {id, unacknowledged}</c>: <c>yes</c> when every connected client has every acknowledged message (the driver
/// polls: a command that waited would hold up the CPU samples taken meanwhile);</item>
/// <item><c>report {id, unacknowledged}</c>: the run's <see cref="ReceiptReport"/> so far, with this process's CPU since <c>begin</c>;</item>
/// <item><c>end {id}</c>, <c>dispose {id}</c>, <c>cpu</c>.</item>
/// </list>
/// </summary>
internal sealed class ClientHost(bool countOwnCpu) : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<int, Hosted> _pools = [];

    public async Task<string> HandleAsync(string line)
    {
        var space = line.IndexOf(' ');
        var verb = space < 0 ? line : line[..space];
        var args = space < 0 ? default : JsonSerializer.Deserialize<Command>(line[(space + 1)..], Json)!;
        switch (verb)
        {
            case "cpu":
                return $"cpu {Cpu().TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)}";
            case "pool":
                _pools[args!.Id] = new Hosted(new ClientPool(new Uri(args.Url!), args.MessagePack, args.Streams));
                return "ok";
            case "grow":
                return $"ok {await _pools[args!.Id].Pool.GrowToAsync(args.N, CancellationToken.None)}";
            case "follow":
                await _pools[args!.Id].Pool.FollowAsync(args.Streams ?? [], CancellationToken.None);
                return "ok";
            case "begin":
            {
                var hosted = _pools[args!.Id];
                var receipts = new Receipts(args.Spec!, hosted.Pool.Count);
                foreach (var slot in hosted.Pool.ClosedSlots) receipts.OnClosed(slot);
                hosted.CpuAtBegin = Cpu();
                hosted.Pool.Current = receipts;
                return "ok";
            }

            case "arrived":
                return _pools[args!.Id].Pool.Current?.AllArrived(args.Unacknowledged ?? []) is not false ? "yes" : "no";
            case "report":
            {
                var hosted = _pools[args!.Id];
                var report = hosted.Pool.Current?.Report(args.Unacknowledged ?? []) ?? new ReceiptReport();
                report = report with { CpuMilliseconds = countOwnCpu ? (Cpu() - hosted.CpuAtBegin).TotalMilliseconds : 0 };
                return "report " + JsonSerializer.Serialize(report, Json);
            }

            case "end":
                _pools[args!.Id].Pool.Current = null;
                return "ok";
            case "dispose":
                if (_pools.Remove(args!.Id, out var disposed)) await disposed.Pool.DisposeAsync();
                return "ok";
            default:
                return $"error unknown command '{verb}'";
        }
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _pools.Values)
        {
            await hosted.Pool.DisposeAsync();
        }

        _pools.Clear();
    }

    private sealed class Hosted(ClientPool pool)
    {
        public ClientPool Pool => pool;

        public TimeSpan CpuAtBegin { get; set; }
    }

    /// <summary>The arguments of every command; each uses its own.</summary>
    internal sealed record Command
    {
        public int Id { get; init; }

        public string? Url { get; init; }

        public bool MessagePack { get; init; }

        public string[]? Streams { get; init; }

        public int N { get; init; }

        public RunSpec? Spec { get; init; }

        public HashSet<int>? Unacknowledged { get; init; }
    }
}
