using System.Diagnostics;
using System.Text.Json;
using Collab.LoadTest.Clients;

namespace Collab.LoadTest.Driving;

/// <summary>
/// One pool of N clients of one server and protocol, spread evenly over the client hosts: what a
/// fan-out run measures. Each host records its clients' receipts; <see cref="ReportAsync"/> merges them.
/// </summary>
internal sealed class ClientFleet : IAsyncDisposable
{
    private static readonly TimeSpan Setup = TimeSpan.FromMinutes(5);
    private static int s_nextId;
    private readonly IReadOnlyList<IClientHost> _hosts;
    private readonly int _id = Interlocked.Increment(ref s_nextId);
    private readonly Uri _hubUrl;
    private string[] _streams;
    private bool _created;

    public ClientFleet(ClientHosts hosts, Uri hubUrl, bool messagePack, string[] streams)
    {
        _hosts = hosts.All;
        _hubUrl = hubUrl;
        MessagePack = messagePack;
        _streams = streams;
    }

    public int Count { get; private set; }

    public bool MessagePack { get; }

    /// <summary>Clients replaced by the last <see cref="GrowToAsync"/> because their connection had closed.</summary>
    public int Replaced { get; private set; }

    /// <summary>Connects clients until there are <paramref name="n"/> (replacing closed ones first), each following the fleet's streams.</summary>
    public async Task GrowToAsync(int n)
    {
        if (!_created)
        {
            await AllAsync(_ => Command("pool", new { id = _id, url = _hubUrl.ToString(), messagePack = MessagePack, streams = _streams }));
            _created = true;
        }

        n = Math.Max(n, Count);
        var replies = await AllAsync(k => Command("grow", new { id = _id, n = Share(n, k) }), Setup);
        Replaced = replies.Sum(r => int.Parse(r.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
        Count = n;
    }

    /// <summary>Every client follows exactly <paramref name="streams"/> from now on.</summary>
    public async Task FollowAsync(string[] streams)
    {
        _streams = streams;
        if (_created)
        {
            await AllAsync(_ => Command("follow", new { id = _id, streams }), Setup);
        }
    }

    public Task BeginAsync(RunSpec spec) => AllAsync(_ => Command("begin", new { id = _id, spec }));

    /// <summary>Polls until every connected client has every acknowledged message, or <paramref name="deadline"/> (a timestamp).</summary>
    public async Task WaitAsync(IReadOnlySet<int> unacknowledged, long deadline, CancellationToken cancellationToken)
    {
        var ask = Command("arrived", new { id = _id, unacknowledged });
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var replies = await AllAsync(_ => ask);
            if (replies.All(r => r == "yes")) return;
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The run's receipts so far, per host.</summary>
    public async Task<IReadOnlyList<ReceiptReport>> ReportAsync(IReadOnlySet<int> unacknowledged)
    {
        var replies = await AllAsync(_ => Command("report", new { id = _id, unacknowledged }));
        return [.. replies.Select(r => JsonSerializer.Deserialize<ReceiptReport>(r["report ".Length..], ClientHost.Json)!)];
    }

    public Task EndAsync() => AllAsync(_ => Command("end", new { id = _id }));

    public async ValueTask DisposeAsync()
    {
        if (_created)
        {
            await AllAsync(_ => Command("dispose", new { id = _id }), Setup);
        }
    }

    /// <summary>Host k's part of n clients.</summary>
    private int Share(int n, int k) => n / _hosts.Count + (k < n % _hosts.Count ? 1 : 0);

    private static string Command(string verb, object args) => $"{verb} {JsonSerializer.Serialize(args, ClientHost.Json)}";

    private Task<string[]> AllAsync(Func<int, string> command, TimeSpan? timeout = null) =>
        Task.WhenAll(_hosts.Select((h, k) => h.AskAsync(command(k), timeout)));
}
