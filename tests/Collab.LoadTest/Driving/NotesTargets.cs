using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Collab.LoadTest.Driving;

/// <summary>
/// The incident-notes scenario: subscribers follow a few incidents' streams and officers post
/// public notes to them over REST; each note reaches every subscriber of its incident. The marker
/// is the note's text (letters only, so no masking of what looks like a phone number or a plate
/// changes it).
/// </summary>
internal interface INotesTarget : IFanOutTarget
{
    /// <summary>Incidents that will take this row's notes (fresh ones each row, so no row inherits the notes of the one before).</summary>
    Task NewIncidentsAsync(int count, CancellationToken cancellationToken);
}

internal static class NoteText
{
    private const string Filler = " the street lights on this corner are out again and the crossing is dark";

    /// <summary>A note's text: letters and spaces only, padded with words up to <paramref name="length"/> characters.</summary>
    public static string Of(string session, int run, int i, int length)
    {
        var text = $"Load test note {session} {Letters(run)} {Letters(i)}";
        if (text.Length >= length) return text;
        var sb = new StringBuilder(text, length);
        while (sb.Length < length) sb.Append(Filler, 0, Math.Min(Filler.Length, length - sb.Length));
        return sb.ToString().TrimEnd();
    }

    /// <summary>Session tags in letters only.</summary>
    public static string NewSession() => Letters(Random.Shared.Next(1 << 24));

    private static string Letters(int value)
    {
        var sb = new StringBuilder();
        do
        {
            sb.Insert(0, (char)('a' + value % 26));
            value /= 26;
        }
        while (value > 0);
        return sb.ToString();
    }
}

/// <summary>e2e notes: <c>POST /api/incidents/{id}/notes</c> (public) by one of many police officers; citizens follow <c>incident:{id}</c>.</summary>
internal sealed class CollabNotesTarget : INotesTarget
{
    private readonly CollabTarget _system;
    private readonly string _suffix;
    private readonly int _length;
    private readonly HttpClient _http;
    private readonly string _session = NoteText.NewSession();
    private string[] _officers = [];
    private string[] _incidents = [];

    private CollabNotesTarget(CollabTarget system, string suffix, int length)
    {
        _system = system;
        _suffix = suffix;
        _length = length;
        _http = Http.Create(system.Server.Url);
    }

    public string Scenario => _system.Scenario + _suffix;

    public ServerProcess Server => _system.Server;

    public Uri HubUrl => _system.HubUrl;

    public string[] Streams => [.. _incidents.Select(id => $"incident:{id}")];

    /// <summary>Dev tokens for <paramref name="officers"/> police officers, who take turns posting notes of about <paramref name="length"/> characters.</summary>
    public static async Task<CollabNotesTarget> CreateAsync(CollabTarget system, int officers, string suffix = "-notes", int length = 0)
    {
        var target = new CollabNotesTarget(system, suffix, length);
        target._officers = new string[officers];
        await Parallel.ForEachAsync(Enumerable.Range(0, officers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (k, _) =>
            target._officers[k] = await system.TokenAsync($"police-notes-{target._session}-{k}", "police"));
        return target;
    }

    public async Task NewIncidentsAsync(int count, CancellationToken cancellationToken)
    {
        var incidents = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (k, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
            {
                Content = JsonContent.Create(new { category = "vandalism", description = "Load test: notes on this incident", location = new { lat = CollabTarget.Lat, lon = CollabTarget.Lon } }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _officers[k % _officers.Length]);
            using var response = await _http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            incidents[k] = (await response.Content.ReadFromJsonAsync<Created>(ct))!.Id;
        });

        _incidents = incidents;
    }

    public string Marker(int run, int i) => NoteText.Of(_session, run, i, _length);

    public async Task<SendOutcome> SendAsync(int run, int i, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{_incidents[i % _incidents.Length]}/notes")
        {
            Content = JsonContent.Create(new { text = Marker(run, i), visibility = "public" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _officers[i % _officers.Length]);
        request.Headers.Add("Idempotency-Key", $"n{_session}-{run}-{i}");
        using var response = await _http.SendAsync(request, cancellationToken);
        return SendOutcomes.Of(response.StatusCode);
    }

    private sealed record Created(string Id);
}

/// <summary>Bare notes: the bare server's <c>POST /incidents/{id}/notes</c>, one group send per note.</summary>
internal sealed class BareNotesTarget(ServerProcess server, string suffix = "-notes", int length = 0) : INotesTarget
{
    private readonly HttpClient _http = Http.Create(server.Url);
    private readonly string _session = NoteText.NewSession();
    private string[] _incidents = [];

    public string Scenario => "baseline-signalr" + suffix;

    public ServerProcess Server => server;

    public Uri HubUrl => new(server.Url, "/hubs/bare");

    public string[] Streams => [.. _incidents.Select(id => $"incident:{id}")];

    public Task NewIncidentsAsync(int count, CancellationToken cancellationToken)
    {
        _incidents = [.. Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString("D"))];
        return Task.CompletedTask;
    }

    public string Marker(int run, int i) => NoteText.Of(_session, run, i, length);

    public async Task<SendOutcome> SendAsync(int run, int i, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"/incidents/{_incidents[i % _incidents.Length]}/notes", new { text = Marker(run, i), visibility = "public" }, cancellationToken);
        return SendOutcomes.Of(response.StatusCode);
    }
}
