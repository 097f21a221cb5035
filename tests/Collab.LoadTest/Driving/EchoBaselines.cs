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
/// a round trip and a grain call in sequence.
/// </summary>
internal static class EchoBaselines
{
    public static async Task<ResultRow> HubAsync(ServerProcess bare, Plan plan, CancellationToken cancellationToken)
    {
        await using var pool = new ClientPool(new Uri(bare.Url, "/hubs/bare"), messagePack: false);
        await pool.GrowToAsync(Plan.InFlight, cancellationToken);
        var idle = Channel.CreateUnbounded<HubConnection>();
        foreach (var connection in pool.Connections)
        {
            idle.Writer.TryWrite(connection);
        }

        async Task<bool> EchoAsync(int i)
        {
            var connection = await idle.Reader.ReadAsync(cancellationToken);
            try
            {
                return await connection.InvokeAsync<int>("Echo", i, cancellationToken) == i;
            }
            finally
            {
                idle.Writer.TryWrite(connection);
            }
        }

        var warm = await Measure.WarmAsync("baseline-hub-echo", bare, EchoAsync, Plan.InFlight, plan, cancellationToken);
        var row = await Measure.ClosedLoopAsync("baseline-hub-echo", bare, EchoAsync, Plan.InFlight, plan.ClosedDuration, cancellationToken);
        return row with { Load = $"hub Echo, {Plan.InFlight} in flight", Note = $"per invocation; a do-nothing hub method (not a target); {Measure.Warm(warm)}" };
    }

    public static async Task<ResultRow> RestAsync(ServerProcess bare, Plan plan, CancellationToken cancellationToken)
    {
        using var http = Http.Create(bare.Url);

        async Task<bool> EchoAsync(int i)
        {
            using var response = await http.PostAsJsonAsync("/noop", new { unit = $"unit-{i % 97}" }, cancellationToken);
            return response.IsSuccessStatusCode;
        }

        var warm = await Measure.WarmAsync("baseline-rest-echo", bare, EchoAsync, Plan.InFlight, plan, cancellationToken);
        var row = await Measure.ClosedLoopAsync("baseline-rest-echo", bare, EchoAsync, Plan.InFlight, plan.ClosedDuration, cancellationToken);
        return row with { Load = $"POST /noop, {Plan.InFlight} in flight", Note = $"per request; a do-nothing REST endpoint (not a target); {Measure.Warm(warm)}" };
    }
}
