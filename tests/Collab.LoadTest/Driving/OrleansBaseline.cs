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
            // A tiny call on a live activation: reading past the head of a reported incident's stream
            // answers an empty page from its state. (Incidents that were never reported are let go
            // after each call, so they would measure activations, not calls.)
            var grains = Enumerable.Range(0, Grains).Select(_ => factory.GetGrain<IIncidentGrain>(Guid.NewGuid().ToString("D"))).ToArray();
            var reporter = new Actor(ActorRole.Police, "load-orleans", null, "en");
            await Parallel.ForEachAsync(grains, new ParallelOptions { MaxDegreeOfParallelism = Plan.InFlight, CancellationToken = cancellationToken }, async (g, _) =>
            {
                var reported = await g.ReportAsync(new ReportIncident(Guid.NewGuid().ToString("N"), reporter, "vandalism", "Baseline", new GeoPoint(52.0712, 4.2811, 10), Severity.Low, "en"));
                if (reported.Error is { } error) throw new InvalidOperationException($"baseline-orleans could not report its incidents: {error.Code}");
            });
            async Task<bool> CallAsync(int i) => (await grains[i % Grains].ReadAsync(Audience.Police, afterSeq: 1, max: 1)) is { Found: true, Events.Count: 0 };
            var warm = await Measure.WarmAsync("baseline-orleans", silo, CallAsync, Plan.InFlight, plan, cancellationToken);
            var row = await Measure.ClosedLoopAsync("baseline-orleans", silo, CallAsync, Plan.InFlight, plan.ClosedDuration, cancellationToken);
            return row with { Note = $"{row.Note}; {Measure.Warm(warm)}" };
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
