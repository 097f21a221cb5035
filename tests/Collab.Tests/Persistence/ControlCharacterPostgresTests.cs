using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Silo.Persistence;
using Collab.Tests.Gateway;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Persistence;

/// <summary>PostgreSQL cannot store a NUL: such text is a permanent input error, never a retryable 503.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ControlCharacterPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ANulInANoteOrDescriptionIsA400NotA503AndTheIncidentStaysUsable()
    {
        var connectionString = await postgres.MigratedDatabaseAsync();
        var hosts = new AdoNetHosts(connectionString);
        using var silo = await hosts.StartSiloAsync();
        var (gateway, url) = await hosts.StartGatewayAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
            var token = await (await http.PostAsJsonAsync("/dev/token", new { sub = $"police-{Guid.NewGuid():N}", role = "police" })).JsonAsync(HttpStatusCode.OK);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Str("token"));

            await (await http.PostJsonAsync("/api/incidents", Sample.Report("vandalism", "Glass \0 smashed"), "report-nul")).ProblemAsync(HttpStatusCode.BadRequest, "text-invalid");
            var id = (await (await http.PostJsonAsync("/api/incidents", Sample.Report(), "report-1")).JsonAsync(HttpStatusCode.Created)).Str("id");
            for (var attempt = 0; attempt < 2; attempt++)
            {
                // The same key again: still a 400, not a stored failure or a 503 asking for a retry.
                await (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "nul \0 here", visibility = "public" }, "note-nul"))
                    .ProblemAsync(HttpStatusCode.BadRequest, "text-invalid");
            }

            var noted = await (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "Unit on its way", visibility = "public" }, "note-1")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(["Unit on its way"], noted.GetProperty("notes").EnumerateArray().Select(n => n.Str("text")));
        }
        finally
        {
            await gateway.StopAsync();
            await gateway.DisposeAsync();
            await silo.StopAsync();
        }
    }
}
