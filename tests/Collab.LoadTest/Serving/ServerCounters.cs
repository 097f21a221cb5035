using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
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
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
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
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.Start();
    }

    public string Json() => JsonSerializer.Serialize(new SortedDictionary<string, long>(_totals, StringComparer.Ordinal));

    public void Dispose() => _listener.Dispose();
}
