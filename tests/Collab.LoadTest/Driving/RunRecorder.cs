using System.Diagnostics;
using HdrHistogram;

namespace Collab.LoadTest.Driving;

/// <summary>
/// One measured run: message i is due at <c>intended[i]</c> (the open-loop schedule), so every
/// latency counts from when the message should have been sent, not when it was (no coordinated
/// omission). Records each receipt, and, per message, the moment the last of N clients had it.
/// </summary>
internal sealed class RunRecorder
{
    /// <summary>Latencies are recorded in microseconds, up to 10 minutes.</summary>
    private const long MaxMicros = 600_000_000;

    private readonly Dictionary<string, int> _index;
    private readonly long[] _intended;
    private readonly int[] _remaining;
    private readonly long[] _slowest;
    private readonly LongHistogram _each = new(MaxMicros, 3);
    private readonly LongHistogram _all = new(MaxMicros, 3);
    private readonly Lock _lock = new();
    private long _delivered;
    private long _lastReceipt;
    private long _stray;
    private long _duplicates;

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public RunRecorder(IReadOnlyList<string> markers, long[] intended, int clients)
    {
        _index = new Dictionary<string, int>(markers.Count, StringComparer.Ordinal);
        for (var i = 0; i < markers.Count; i++) _index[markers[i]] = i;
        _intended = intended;
        _remaining = [.. Enumerable.Repeat(clients, markers.Count)];
        _slowest = new long[markers.Count];
        Expected = (long)markers.Count * clients;
    }

    public long Expected { get; }

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Stray => Interlocked.Read(ref _stray);

    public long LastReceipt => Interlocked.Read(ref _lastReceipt);

    public void OnEvent(WireEnvelope e)
    {
        var now = Stopwatch.GetTimestamp();
        if (e.Data?.Incident?.Id is not { } marker || !_index.TryGetValue(marker, out var i))
        {
            // Left over from an earlier run or not ours (e.g. another audience's event).
            Interlocked.Increment(ref _stray);
            return;
        }

        var micros = Math.Clamp((long)Stopwatch.GetElapsedTime(_intended[i], now).TotalMicroseconds, 1, MaxMicros);
        // The slowest receipt so far, published before this receipt counts down: whichever thread
        // counts the last one then sees every other receipt's latency, however threads interleave.
        long slowest;
        while (micros > (slowest = Interlocked.Read(ref _slowest[i])) && Interlocked.CompareExchange(ref _slowest[i], micros, slowest) != slowest)
        {
        }

        var remaining = Interlocked.Decrement(ref _remaining[i]);
        if (remaining < 0)
        {
            // More receipts of one message than clients: some client got it twice.
            Interlocked.Increment(ref _duplicates);
        }

        var last = remaining == 0;
        lock (_lock)
        {
            _each.RecordValue(micros);
            if (last) _all.RecordValue(Interlocked.Read(ref _slowest[i]));
        }

        Interlocked.Increment(ref _delivered);
        long seen;
        while (now > (seen = Interlocked.Read(ref _lastReceipt)) && Interlocked.CompareExchange(ref _lastReceipt, now, seen) != seen)
        {
        }
    }

    /// <summary>Waits until every client has every message, or the deadline.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Delivered < Expected && Stopwatch.GetTimestamp() < until)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Milliseconds at a percentile of every receipt (each) or of the last receipt per message (all).</summary>
    public double Each(double percentile) => Percentile(_each, percentile);

    public double All(double percentile) => Percentile(_all, percentile);

    private double Percentile(LongHistogram h, double percentile)
    {
        lock (_lock)
        {
            return h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile) / 1000.0;
        }
    }
}
