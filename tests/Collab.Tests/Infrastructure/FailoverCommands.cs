using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace Collab.Tests.Infrastructure;

/// <summary>What failover tests do as clients: commands retried with their key through 503s, tokens, and the notes the event log holds.</summary>
public static class FailoverCommands
{
    /// <summary>
    /// A command retried with its key while the cluster answers 503 (failover), for at most 30 s;
    /// anything else fails the test. Returns the answer and how long it took, retries included.
    /// </summary>
    public static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> SendAsync(HttpClient http, string path, object body, string key, TimeSpan? pause = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await http.PostJsonAsync(path, body, key);
            if (response.IsSuccessStatusCode)
            {
                return (response, clock.Elapsed);
            }

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {(int)response.StatusCode} {text}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{path}: still 503 after {clock.Elapsed}: {text}");
            await Task.Delay(pause ?? TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>A development token for a new police officer.</summary>
    public static async Task<string> PoliceTokenAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/dev/token", new { sub = $"police-{Guid.NewGuid():N}", role = "police" });
        return (await response.JsonAsync(HttpStatusCode.OK)).Str("token");
    }

    /// <summary>The texts of an incident's notes as the PostgreSQL event log holds them, in seq order.</summary>
    public static async Task<List<string>> LoggedNotesAsync(string connectionString, string id)
    {
        var notes = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT payload -> 'fact' ->> 'text' FROM collab_event_log WHERE stream = @stream AND event_type = 'incident.note_added' ORDER BY seq", connection);
        command.Parameters.AddWithValue("stream", $"incident:{id}");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            notes.Add(reader.GetString(0));
        }

        return notes;
    }
}
