using Collab.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;

namespace Collab.Incidents;

/// <summary>
/// Answers whether incidents exist from the store, never by activating them. In memory mode an
/// incident's snapshot (state "incident") is written before its report is acknowledged, so a
/// stored snapshot of a reported incident is exactly "the incident exists"; memory storage answers
/// from its storage grains (a fixed number). With the event log a report is stored as its log row
/// and the snapshot follows later, so an id without a reported snapshot is looked up in the log
/// too (one indexed read each). Ids found are remembered in <see cref="KnownIncidents"/>.
/// </summary>
[StatelessWorker]
internal sealed class IncidentDirectoryGrain(IServiceProvider services, KnownIncidents known, IEventLog eventLog) : Grain, IIncidentDirectory
{
    /// <summary>Storage reads one call has in flight at once: a list of ids must not take the database's whole pool.</summary>
    private const int Parallel = 8;

    private readonly IGrainStorage _storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Collab);

    public async Task<IReadOnlyList<bool>> ExistsAsync(IReadOnlyList<string> incidentIds)
    {
        ArgumentNullException.ThrowIfNull(incidentIds);
        if (incidentIds.Count > IIncidentDirectory.MaxIds)
        {
            throw new ArgumentException($"At most {IIncidentDirectory.MaxIds} ids a call.", nameof(incidentIds));
        }

        var answers = new bool[incidentIds.Count];
        var unknown = new List<int>();
        for (var i = 0; i < answers.Length; i++)
        {
            if (known.Contains(incidentIds[i])) answers[i] = true;
            else unknown.Add(i);
        }

        foreach (var chunk in unknown.Chunk(Parallel))
        {
            var found = await Task.WhenAll(chunk.Select(i => StoredAsync(incidentIds[i])));
            for (var j = 0; j < chunk.Length; j++)
            {
                answers[chunk[j]] = found[j];
            }
        }

        return answers;
    }

    private async Task<bool> StoredAsync(string id)
    {
        var snapshot = new GrainState<IncidentState>();
        await _storage.ReadStateAsync(IncidentGrain.StateName, GrainFactory.GetGrain<IIncidentGrain>(id).GetGrainId(), snapshot);
        var reported = snapshot.RecordExists && snapshot.State is { Reported: true };
        if (!reported && eventLog.IsDurable)
        {
            // The first row of an incident's stream is its report.
            reported = (await eventLog.ReadAsync(StreamNames.OfIncident(id).ToString(), afterSeq: 0, max: 1)).Count > 0;
        }

        if (!reported)
        {
            return false;
        }

        known.Add(id);
        return true;
    }
}
