using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Collab.LoadTest.Serving;

/// <summary>
/// Totals of the gateway's own counters (meter <c>Collab</c>: group sends, resyncs sent, connections
/// cut off, replays, commands) since the server child started, summed over their labels. The bare
/// server has none. The driver reads them before and after a run to see, from the server's side,
/// what happened to the deliveries the clients counted.
/// </summary>
internal sealed class ServerCounters : IDisposable
{
    private const string MeterName = "Collab";
    /// <summary>One cell per instrument, added to without a lock: the listener runs on every measurement of the server's hot path, and must not add contention the bare server does not have.</summary>
    private readonly ConcurrentDictionary<string, StrongBox<long>> _totals = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    public ServerCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument is Counter<long>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref _totals.GetOrAdd(instrument.Name, static _ => new StrongBox<long>()).Value, value));
        _listener.Start();
    }

    public string Json() => JsonSerializer.Serialize(new SortedDictionary<string, long>(
        _totals.ToDictionary(t => t.Key, t => Interlocked.Read(ref t.Value.Value)), StringComparer.Ordinal));

    public void Dispose() => _listener.Dispose();
}
