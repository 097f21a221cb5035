using Collab.Common;
using Collab.Incidents;
using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.Persistence;

/// <summary>The incident directory on PostgreSQL: existence read from the stored snapshot, no activation.</summary>
[Collection(PostgresCollection.Name)]
public sealed class IncidentDirectoryPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AfterARestartTheDirectoryFindsStoredIncidentsAndActivatesNeitherThemNorUnknownIds()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);
        var reported = Guid.NewGuid().ToString("D");
        var citizen = new Actor(ActorRole.Citizen, "citizen-" + Guid.NewGuid().ToString("N"), "Ada", "nl");

        using (var silo = await hosts.StartSiloAsync())
        {
            await using var client = await hosts.StartClientAsync();
            var outcome = await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(reported).ReportAsync(new ReportIncident(
                "report-1", citizen, "vandalism", "Bus shelter glass smashed", new GeoPoint(52.0712, 4.2811, 10), Severity.Medium, "nl"));
            Assert.True(outcome.IsOk, $"Report failed: {outcome.Error}");
            await client.StopAsync();
            await silo.StopAsync();
        }

        using (var silo = await hosts.StartSiloAsync())
        {
            await using var client = await hosts.StartClientAsync();
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            var unknown = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid().ToString("D")).ToList();

            var answers = await grains.GetGrain<IIncidentDirectory>(0).ExistsAsync([.. unknown, reported]);

            Assert.Equal([.. unknown.Select(_ => false), true], answers);
            var incidentType = grains.GetGrain<IIncidentGrain>(reported).GetGrainId().Type;
            var active = (await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
                .Where(s => s.GrainId.Type == incidentType).Select(s => s.GrainId.Key.ToString()).ToList();
            Assert.Empty(active);
            await client.StopAsync();
            await silo.StopAsync();
        }
    }
}
