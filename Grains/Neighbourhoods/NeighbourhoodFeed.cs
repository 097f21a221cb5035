using System.Collections.Concurrent;
using Collab.Incidents;

namespace Collab.Neighbourhoods;

/// <summary>
/// How the incident grains of one silo tell their neighbourhoods (the batching of Orleans'
/// GPSTracker sample, without its fixed delay). Per neighbourhood at most one call is in flight
/// from this silo; changes that arrive meanwhile go together in the next call. When idle a change
/// goes at once. Each caller's task completes when the call that carried its change did, so an
/// incident command still returns only once the neighbourhood stored and pushed it.
/// </summary>
internal sealed class NeighbourhoodFeed(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public Task SendAsync(string slug, IncidentChange change) =>
        _lanes.GetOrAdd(slug, static (s, g) => new Lane(g.GetGrain<INeighbourhoodGrain>(s)), grains).Send(change);

    private sealed class Lane(INeighbourhoodGrain grain)
    {
        private readonly Lock _lock = new();
        private bool _inFlight;
        private List<IncidentChange>? _waiting;
        private TaskCompletionSource? _waitingDone;

        public Task Send(IncidentChange change)
        {
            lock (_lock)
            {
                if (_inFlight)
                {
                    (_waiting ??= []).Add(change);
                    _waitingDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    return _waitingDone.Task;
                }

                _inFlight = true;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = RunAsync([change], done);
            return done.Task;
        }

        private async Task RunAsync(List<IncidentChange> batch, TaskCompletionSource done)
        {
            while (true)
            {
                try
                {
                    await grain.OnIncidentsChangedAsync(batch);
                    done.TrySetResult();
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }

                lock (_lock)
                {
                    if (_waiting is null)
                    {
                        _inFlight = false;
                        return;
                    }

                    batch = _waiting;
                    done = _waitingDone!;
                    _waiting = null;
                    _waitingDone = null;
                }
            }
        }
    }
}
