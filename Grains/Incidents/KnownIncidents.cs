using System.Collections.Concurrent;

namespace Collab.Incidents;

/// <summary>
/// Incident ids found stored; each silo's directory keeps one, and so does each gateway. An
/// incident is never deleted, so once true an answer stays true: the directory need not read
/// storage for it again, nor a gateway ask the directory. Bounded: two generations of at most <see cref="Capacity"/> ids;
/// when the newer fills, the older is dropped, and an id found in the older moves to the newer.
/// Unknown ids are never remembered: a client cannot grow this.
/// </summary>
public sealed class KnownIncidents
{
    public const int Capacity = 20_000;

    private ConcurrentDictionary<string, byte> _current = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, byte> _previous = new(StringComparer.Ordinal);

    /// <summary>Ids added to the current generation (approximately: adds that race a roll-over may count in either).</summary>
    private int _added;

    public bool Contains(string id)
    {
        if (_current.ContainsKey(id))
        {
            return true;
        }

        if (!_previous.ContainsKey(id))
        {
            return false;
        }

        Add(id);
        return true;
    }

    public void Add(string id)
    {
        var current = _current;
        // Counted here, not by the dictionary: its Count takes every one of its locks, on each add.
        if (!current.TryAdd(id, 0) || Interlocked.Increment(ref _added) < Capacity)
        {
            return;
        }

        // Two workers may both roll over; the loser's generation is dropped a little early,
        // which costs a storage read, never a wrong answer.
        var fresh = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        if (Interlocked.CompareExchange(ref _current, fresh, current) == current)
        {
            _previous = current;
            Interlocked.Exchange(ref _added, 0);
        }
    }
}
