using System.Net.Http.Json;
using System.Threading.Channels;
using Collab.LoadTest.Clients;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.LoadTest.Driving;

/// <summary>
/// What a round trip costs on this box before a command does any work, on the bare server, run as
/// T3's commands are (64 in flight): <c>baseline-hub-echo</c> (a do-nothing hub method, 64
/// connections with one invocation in flight on each) and <c>baseline-rest-echo</c> (a do-nothing
/// <c>POST /noop</c> with a small JSON body). Not targets of their own: T3 compares commands with
/// a round trip and a grain call in sequence. Connected once and measured as often as T3's rounds need.
/// </summary>
internal sealed class EchoBaselines : IAsyncDisposable
{
    private readonly ServerProcess _bare;
    private readonly ClientPool _pool;
    private readonly HttpClient _http;
    private readonly Channel<HubConnection> _idle = Channel.CreateUnbounded<HubConnection>();

    private EchoBaselines(ServerProcess bare, ClientPool pool)
    {
        _bare = bare;
        _pool = pool;
        _http = Http.Create(bare.Url);
        foreach (var connection in pool.Connections)
        {
            _idle.Writer.TryWrite(connection);
        }
    }

    public static async Task<EchoBaselines> StartAsync(ServerProcess bare, CancellationToken cancellationToken)
    {
        var pool = new ClientPool(new Uri(bare.Url, "/hubs/bare"), messagePack: false);
        await pool.GrowToAsync(Plan.InFlight, cancellationToken);
        return new EchoBaselines(bare, pool);
    }

    /// <summary>One <c>baseline-hub-echo</c> row; the first warms the path up before it measures.</summary>
    public async Task<ResultRow> HubAsync(Plan plan, int round, CancellationToken cancellationToken)
    {
        async Task<bool> EchoAsync(int i)
        {
            var connection = await _idle.Reader.ReadAsync(cancellationToken);
            try
            {
                return await connection.InvokeAsync<int>("Echo", i, cancellationToken) == i;
            }
            finally
            {
                _idle.Writer.TryWrite(connection);
            }
        }

        var warm = round == 1 ? Measure.Warm(await Measure.WarmAsync("baseline-hub-echo", _bare, EchoAsync, Plan.InFlight, plan, cancellationToken)) : "warm";
        var row = await Measure.ClosedLoopAsync("baseline-hub-echo", _bare, EchoAsync, Plan.InFlight, plan.ClosedDuration, cancellationToken);
        return row with { Load = $"hub Echo, {Plan.InFlight} in flight", Note = $"per invocation; a do-nothing hub method (not a target); {warm}", Round = round };
    }

    /// <summary>One <c>baseline-rest-echo</c> row; the first warms the path up before it measures.</summary>
    public async Task<ResultRow> RestAsync(Plan plan, int round, CancellationToken cancellationToken)
    {
        async Task<bool> EchoAsync(int i)
        {
            using var response = await _http.PostAsJsonAsync("/noop", new { unit = $"unit-{i % 97}" }, cancellationToken);
            return response.IsSuccessStatusCode;
        }

        var warm = round == 1 ? Measure.Warm(await Measure.WarmAsync("baseline-rest-echo", _bare, EchoAsync, Plan.InFlight, plan, cancellationToken)) : "warm";
        var row = await Measure.ClosedLoopAsync("baseline-rest-echo", _bare, EchoAsync, Plan.InFlight, plan.ClosedDuration, cancellationToken);
        return row with { Load = $"POST /noop, {Plan.InFlight} in flight", Note = $"per request; a do-nothing REST endpoint (not a target); {warm}", Round = round };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _pool.DisposeAsync();
    }
}
