using Collab.LoadTest.Clients;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.LoadTest.Driving;

/// <summary>
/// baseline-hub-echo: a do-nothing hub method on the bare SignalR server, invoked as T3's commands
/// are (64 connections, one invocation in flight on each). Not a target of its own: it shows what
/// a hub round trip costs on this box before a command does any work.
/// </summary>
internal static class HubEchoBaseline
{
    public static async Task<ResultRow> RunAsync(ServerProcess bare, Plan plan, CancellationToken cancellationToken)
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

        await Measure.ClosedLoopAsync("baseline-hub-echo", bare, EchoAsync, Plan.InFlight, TimeSpan.FromSeconds(0.5), cancellationToken);
        var row = await Measure.ClosedLoopAsync("baseline-hub-echo", bare, EchoAsync, Plan.InFlight, plan.ClosedDuration, cancellationToken);
        return row with { Load = $"hub Echo, {Plan.InFlight} in flight", Note = "per invocation; a do-nothing hub method (not a target)" };
    }
}
