using Collab.Common;
using Collab.Incidents;

namespace Collab.LoadTest.Driving;

/// <summary>baseline-orleans: grain calls through a cluster client, spread over 1,000 grains, bounded in flight.</summary>
internal static class OrleansBaseline
{
    private const int Grains = 1_000;

    public static async Task<ResultRow> RunAsync(ServerProcess silo, Plan plan, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseLocalhostClustering(
            int.Parse(silo.Info["clientPort"], System.Globalization.CultureInfo.InvariantCulture), silo.Info["serviceId"], silo.Info["clusterId"]));
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var factory = host.Services.GetRequiredService<IClusterClient>();
            // A tiny call: reading an incident nobody reported answers "not found" from the activation's state.
            var grains = Enumerable.Range(0, Grains).Select(_ => factory.GetGrain<IIncidentGrain>(Guid.NewGuid().ToString("D"))).ToArray();
            var viewer = new Actor(ActorRole.Police, "load-orleans", null, "en");
            await Parallel.ForEachAsync(grains, new ParallelOptions { MaxDegreeOfParallelism = Plan.InFlight, CancellationToken = cancellationToken }, async (g, _) => await g.GetAsync(viewer));
            return await Measure.ClosedLoopAsync("baseline-orleans", silo, async i => (await grains[i % Grains].GetAsync(viewer)).Error is not null, Plan.InFlight, plan.ClosedDuration, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
