using Collab.LoadTest.Clients;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.LoadTest.Driving;

/// <summary>
/// T3's commands: police dispatchers re-assigning units to active incidents of the followed
/// neighbourhood, over their hub connections (<c>Assign</c>, the same command as
/// <c>POST /api/incidents/{id}/assign</c>). Each command is an incident event and a
/// <c>neighbourhood.incident_updated</c> pushed to the neighbourhood's subscribers. Every
/// connection carries one command at a time, as a console does.
/// </summary>
internal sealed class HubCommands : IAsyncDisposable
{
    private readonly CollabTarget _target;
    private readonly ClientPool _pool;
    private readonly string[] _incidents;
    private readonly Channel<HubConnection> _idle = Channel.CreateUnbounded<HubConnection>();

    private HubCommands(CollabTarget target, ClientPool pool, string[] incidents)
    {
        _target = target;
        _pool = pool;
        _incidents = incidents;
        foreach (var connection in pool.Connections)
        {
            _idle.Writer.TryWrite(connection);
        }
    }

    public int Incidents => _incidents.Length;

    /// <summary>Reports <paramref name="incidents"/> incidents (REST) and connects <paramref name="connections"/> consoles.</summary>
    public static async Task<HubCommands> CreateAsync(CollabTarget target, int incidents, int connections, CancellationToken cancellationToken)
    {
        var run = Measure.NextRun();
        var ids = new string[incidents];
        await Parallel.ForEachAsync(Enumerable.Range(0, incidents), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            if (await target.SendAsync(run, i, ct) != SendOutcome.Acknowledged)
            {
                throw new InvalidOperationException("Reporting the incidents T3 works on failed.");
            }

            ids[i] = target.Marker(run, i);
        });
        var pool = new ClientPool(target.PoliceHubUrl, messagePack: false);
        await pool.GrowToAsync(connections, cancellationToken);
        return new HubCommands(target, pool, ids);
    }

    /// <summary>Command <paramref name="i"/>: assigns a unit to incident <c>i mod incidents</c>; true when the answer is the incident's view.</summary>
    public async Task<bool> SendAsync(int i, CancellationToken cancellationToken)
    {
        var connection = await _idle.Reader.ReadAsync(cancellationToken);
        try
        {
            var id = _incidents[i % _incidents.Length];
            var view = await connection.InvokeAsync<AnsweredView>("Assign", id, new { unit = $"unit-{i % 97}" }, null, cancellationToken);
            return view?.Id == id;
        }
        finally
        {
            _idle.Writer.TryWrite(connection);
        }
    }

    /// <summary>The same command over REST (<c>POST /api/incidents/{id}/assign</c>) as the police officer.</summary>
    public async Task<bool> SendRestAsync(int i, CancellationToken cancellationToken)
    {
        var id = _incidents[i % _incidents.Length];
        var view = await _target.AssignAsync(id, $"unit-{i % 97}", cancellationToken);
        return view == id;
    }

    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    /// <summary>
    /// What the harness reads of an answer (the REST path reads the same): the incident's id. The
    /// rest of the view is skipped, not built into a document: the client process shares the cores
    /// with the servers it measures, and its cost per command is not theirs.
    /// </summary>
    private sealed record AnsweredView(string? Id);
}
