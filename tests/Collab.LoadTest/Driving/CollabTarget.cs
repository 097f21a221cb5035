using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Common;
using Collab.Gateway.Wire;
using Collab.LoadTest.Clients;
using Collab.Neighbourhoods;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.LoadTest.Driving;

/// <summary>
/// e2e: a police officer reports an incident over REST (incident grain → neighbourhood grain →
/// one observer call to the gateway → one SignalR group); N citizens follow the neighbourhood.
/// The marker is the new incident's id, which the gateway derives from (caller, Idempotency-Key),
/// so the harness knows it before sending.
/// </summary>
internal sealed class CollabTarget : IFanOutTarget
{
    public const double Lat = 52.0705;
    public const double Lon = 4.2806;
    private readonly HttpClient _http;
    private readonly Actor _sender;
    private readonly string _session = Guid.NewGuid().ToString("N")[..8];
    private string _citizenToken = "";
    private string _policeToken = "";

    private CollabTarget(string scenario, ServerProcess server)
    {
        Scenario = scenario;
        Server = server;
        _http = Http.Create(server.Url);
        _sender = new Actor(ActorRole.Police, $"police-load-{_session}", null, "en");
        Stream = "neighbourhood:" + (CityMap.LoadDemo().Locate(new GeoPoint(Lat, Lon, null))?.Slug
            ?? throw new InvalidOperationException("The demo city has no neighbourhood at the load test's location."));
    }

    public string Scenario { get; }

    public ServerProcess Server { get; }

    public string Stream { get; }

    public static async Task<CollabTarget> CreateAsync(string scenario, ServerProcess server)
    {
        var target = new CollabTarget(scenario, server);
        target._citizenToken = await target.TokenAsync($"citizen-load-{target._session}", "citizen");
        target._policeToken = await target.TokenAsync(target._sender.UserId, "police");
        target._http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", target._policeToken);
        return target;
    }

    public Uri HubUrl => new(Server.Url, $"/hubs/collab?access_token={Uri.EscapeDataString(_citizenToken)}");

    /// <summary>The sending police officer's hub address (hub commands).</summary>
    public Uri PoliceHubUrl => new(Server.Url, $"/hubs/collab?access_token={Uri.EscapeDataString(_policeToken)}");

    public string[] Streams => [Stream];

    public string Marker(int run, int i) => IdempotencyKeys.IncidentId(_sender, Key(run, i));

    private string Key(int run, int i) => $"lt{_session}-{run}-{i}";

    public async Task<SendOutcome> SendAsync(int run, int i, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = JsonContent.Create(new { category = "vandalism", description = "Load test: bus shelter glass smashed", location = new { lat = Lat, lon = Lon } }),
        };
        request.Headers.Add(IdempotencyKeys.Header, Key(run, i));
        using var response = await _http.SendAsync(request, cancellationToken);
        return SendOutcomes.Of(response.StatusCode);
    }

    /// <summary>Assigns a unit over REST as the police officer; the answered incident's id, or null when refused.</summary>
    public async Task<string?> AssignAsync(string id, string unit, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync($"/api/incidents/{id}/assign", new { unit }, cancellationToken);
        if (!response.IsSuccessStatusCode) return null;
        return (await response.Content.ReadFromJsonAsync<AnsweredView>(cancellationToken))?.Id;
    }

    private sealed record AnsweredView(string Id);

    public async Task<string> TokenAsync(string sub, string role)
    {
        using var response = await _http.PostAsJsonAsync("/dev/token", new { sub, role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
    }

    private sealed record TokenBody(string Token);
}
