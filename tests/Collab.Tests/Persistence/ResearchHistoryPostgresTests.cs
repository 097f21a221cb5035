using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Silo.Persistence;
using Collab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Collab.Tests.Persistence;

/// <summary>
/// In durable mode the research history is part of what the event log holds: a neighbourhood whose
/// snapshot is gone rebuilds its hourly reports and response times from the log, the same as before.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResearchHistoryPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task HourlyReportsAndResponseTimesAreRebuiltFromTheEventLog()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);
        var police = new Actor(ActorRole.Police, "police-" + Guid.NewGuid().ToString("N"), "Desk 4", "nl");
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid().ToString("D")).ToList();
        var from = DateTimeOffset.UtcNow.AddDays(-1);
        var to = DateTimeOffset.UtcNow.AddHours(1);

        IReadOnlyList<Collab.Research.HourlyHistory> before;
        using (var silo = await hosts.StartSiloAsync())
        {
            await using var client = await hosts.StartClientAsync();
            var grains = client.Services.GetRequiredService<IGrainFactory>();
            foreach (var id in ids)
            {
                var incident = grains.GetGrain<IIncidentGrain>(id);
                Assert.True((await incident.ReportAsync(new ReportIncident(
                    "report-" + id, police, "noise", "Music until four", new GeoPoint(52.0712, 4.2811, 10), Severity.Low, "nl"))).IsOk);
                Assert.True((await incident.ChangeStatusAsync(new ChangeStatus("ack-" + id, police, IncidentStatus.Acknowledged, null))).IsOk);
            }

            before = await grains.GetGrain<INeighbourhoodGrain>("centrum").GetHistoryAsync(from, to);
            await client.StopAsync();
            await silo.StopAsync();
        }

        Assert.Equal(5, before.Sum(r => r.Reported));
        Assert.Equal(5, before.Sum(r => r.Acknowledged.Count));
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand("DELETE FROM orleans_grain_state WHERE grain_id_extension = 'centrum'", connection);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        using (var silo = await hosts.StartSiloAsync())
        {
            await using var client = await hosts.StartClientAsync();
            var after = await client.Services.GetRequiredService<IGrainFactory>().GetGrain<INeighbourhoodGrain>("centrum").GetHistoryAsync(from, to);
            Assert.Equal(
                before.Select(r => (r.Hour, r.Category, r.Reported, r.Acknowledged.Count, r.Acknowledged.TotalSeconds, string.Join(",", r.Acknowledged.Bins))),
                after.Select(r => (r.Hour, r.Category, r.Reported, r.Acknowledged.Count, r.Acknowledged.TotalSeconds, string.Join(",", r.Acknowledged.Bins))));
            await client.StopAsync();
            await silo.StopAsync();
        }
    }
}
