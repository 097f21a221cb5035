using System.Diagnostics;
using System.Numerics;
using HdrHistogram;

namespace Collab.LoadTest.Clients;

/// <summary>
/// What one process's clients receive during one run. Message i is due at its intended time (the
/// open-loop schedule), so every latency counts from when the message should have been sent, not
/// when it was (no coordinated omission). Each client has a bit per message, so a duplicate and
/// a message a client never got are told apart per client; <c>Resync</c> notices and closed
/// connections are recorded per client, so a missing message is known to have been signalled
/// (the client was cut off or told to resync) or lost without a word.
/// </summary>
internal sealed class Receipts
{
    /// <summary>Latencies are recorded in microseconds, up to 10 minutes.</summary>
    public const long MaxMicros = 600_000_000;

    private readonly RunSpec _spec;
    private readonly int _clients;
    private readonly Dictionary<string, int> _index;
    private readonly int _words;
    private readonly ulong[] _bits;
    private readonly int[] _received;
    private readonly long[] _slowest;
    private readonly int[] _resyncs;
    private readonly int[] _closed;
    private readonly LongHistogram _each = new(MaxMicros, 3);
    private readonly Lock _lock = new();
    private long _delivered;
    private long _duplicates;
    private long _stray;
    private long _lastReceipt;

    public Receipts(RunSpec spec, int clients)
    {
        _spec = spec;
        _clients = clients;
        _index = new Dictionary<string, int>(spec.Markers.Length, StringComparer.Ordinal);
        for (var i = 0; i < spec.Markers.Length; i++) _index[spec.Markers[i]] = i;
        _words = (spec.Markers.Length + 63) / 64;
        _bits = new ulong[(long)_words * clients];
        _received = new int[spec.Markers.Length];
        _slowest = new long[spec.Markers.Length];
        _resyncs = new int[clients];
        _closed = new int[clients];
    }

    public long Delivered => Interlocked.Read(ref _delivered);

    public void OnEvent(int client, WireEnvelope e)
    {
        var now = Stopwatch.GetTimestamp();
        if (e.Marker is not { } marker || !_index.TryGetValue(marker, out var i) || client >= _clients)
        {
            Interlocked.Increment(ref _stray);
            return;
        }

        var mask = 1UL << (i & 63);
        if ((Interlocked.Or(ref _bits[(long)client * _words + (i >> 6)], mask) & mask) != 0)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        var micros = Math.Clamp((long)Stopwatch.GetElapsedTime(_spec.Intended(i), now).TotalMicroseconds, 1, MaxMicros);
        long slowest;
        while (micros > (slowest = Interlocked.Read(ref _slowest[i])) && Interlocked.CompareExchange(ref _slowest[i], micros, slowest) != slowest)
        {
        }

        Interlocked.Increment(ref _received[i]);
        lock (_lock)
        {
            _each.RecordValue(micros);
        }

        Interlocked.Increment(ref _delivered);
        long seen;
        while (now > (seen = Interlocked.Read(ref _lastReceipt)) && Interlocked.CompareExchange(ref _lastReceipt, now, seen) != seen)
        {
        }
    }

    public void OnResync(int client)
    {
        if (client < _clients) Interlocked.Increment(ref _resyncs[client]);
    }

    /// <summary>The client's connection closed (during the run, or before it and not replaced).</summary>
    public void OnClosed(int client)
    {
        if (client < _clients) Volatile.Write(ref _closed[client], 1);
    }

    /// <summary>True when every client still connected has every acknowledged message.</summary>
    public bool AllArrived(IReadOnlySet<int> unacknowledged)
    {
        var acknowledged = AcknowledgedMask(unacknowledged);
        for (var c = 0; c < _clients; c++)
        {
            if (Volatile.Read(ref _closed[c]) == 0 && MissingOf(c, acknowledged) > 0) return false;
        }

        return true;
    }

    public ReceiptReport Report(IReadOnlySet<int> unacknowledged)
    {
        var acknowledged = AcknowledgedMask(unacknowledged);
        long missing = 0;
        long silent = 0;
        var closed = 0;
        var resynced = 0;
        for (var c = 0; c < _clients; c++)
        {
            var isClosed = Volatile.Read(ref _closed[c]) != 0;
            var isResynced = Volatile.Read(ref _resyncs[c]) > 0;
            if (isClosed) closed++;
            if (isResynced) resynced++;
            var m = MissingOf(c, acknowledged);
            missing += m;
            if (!isClosed && !isResynced) silent += m;
        }

        long[] each;
        lock (_lock)
        {
            each = [.. _each.RecordedValues().SelectMany(v => new[] { v.ValueIteratedTo, v.CountAtValueIteratedTo })];
        }

        return new ReceiptReport
        {
            Clients = _clients,
            Delivered = Delivered,
            Duplicates = Interlocked.Read(ref _duplicates),
            Stray = Interlocked.Read(ref _stray),
            Resyncs = _resyncs.Sum(r => (long)r),
            ResyncedClients = resynced,
            ClosedClients = closed,
            Missing = missing,
            MissingSilent = silent,
            LastReceipt = Interlocked.Read(ref _lastReceipt),
            Received = [.. _received],
            Slowest = [.. _slowest],
            Each = each,
        };
    }

    private ulong[] AcknowledgedMask(IReadOnlySet<int> unacknowledged)
    {
        var mask = new ulong[_words];
        for (var i = 0; i < _spec.Markers.Length; i++)
        {
            if (!unacknowledged.Contains(i)) mask[i >> 6] |= 1UL << (i & 63);
        }

        return mask;
    }

    private long MissingOf(int client, ulong[] acknowledged)
    {
        long missing = 0;
        var offset = (long)client * _words;
        for (var w = 0; w < _words; w++)
        {
            missing += BitOperations.PopCount(acknowledged[w] & ~Volatile.Read(ref _bits[offset + w]));
        }

        return missing;
    }
}
