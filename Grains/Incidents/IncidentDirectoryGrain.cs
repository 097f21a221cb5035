using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;

namespace Collab.Incidents;

/// <summary>
/// Answers whether incidents exist from the grain storage, never by activating them. An incident's
/// snapshot (state "incident") is written before its report is acknowledged, so a stored snapshot
/// of a reported incident is exactly "the incident exists". Memory storage answers from its
/// storage grains (a fixed number), the database with one indexed read; ids found are remembered
/// in <see cref="KnownIncidents"/>.
/// </summary>
[StatelessWorker]
internal sealed class IncidentDirectoryGrain(IServiceProvider services, KnownIncidents known) : Grain, IIncidentDirectory
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
        if (!snapshot.RecordExists || snapshot.State is not { Reported: true })
        {
            return false;
        }

        known.Add(id);
        return true;
    }
}
