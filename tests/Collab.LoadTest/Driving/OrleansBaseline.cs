using Collab.Common;
using Collab.Incidents;

namespace Collab.LoadTest.Driving;

/// <summary>
/// baseline-orleans: grain calls through a cluster client, spread over 1,000 grains, bounded in
/// flight. Started once and measured as often as T3's rounds need.
/// </summary>
internal sealed class OrleansBaseline : IAsyncDisposable
{
    private const int Grains = 1_000;
    private readonly IHost _host;
    private readonly ServerProcess _silo;
    private readonly IIncidentGrain[] _grains;

    private OrleansBaseline(IHost host, ServerProcess silo, IIncidentGrain[] grains)
    {
        _host = host;
        _silo = silo;
        _grains = grains;
    }

    public static async Task<OrleansBaseline> StartAsync(ServerProcess silo, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseLocalhostClustering(
            int.Parse(silo.Info["clientPort"], System.Globalization.CultureInfo.InvariantCulture), silo.Info["serviceId"], silo.Info["clusterId"]));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
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
        return new OrleansBaseline(host, silo, grains);
    }

    /// <summary>One row; the first warms the path up before it measures.</summary>
    public async Task<ResultRow> MeasureAsync(Plan plan, int round, CancellationToken cancellationToken)
    {
        async Task<bool> CallAsync(int i) => (await _grains[i % Grains].ReadAsync(Audience.Police, afterSeq: 1, max: 1)) is { Found: true, Events.Count: 0 };
        var warm = round == 1 ? Measure.Warm(await Measure.WarmAsync("baseline-orleans", _silo, CallAsync, Plan.InFlight, plan, cancellationToken)) : "warm";
        var row = await Measure.ClosedLoopAsync("baseline-orleans", _silo, CallAsync, Plan.InFlight, plan.ClosedDuration, cancellationToken);
        return row with { Note = $"{row.Note}; {warm}", Round = round };
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
