using System.Net.Http.Json;

namespace Collab.LoadTest.Driving;

/// <summary>
/// Across the federation link: police of city A report incidents (A shares them with city B), one
/// police officer of city B follows <c>partner:city-a</c>. The marker is the incident id, which B's
/// <c>partner.incident_updated</c> carries as <c>data.incident.id</c>. Latency is from the report's
/// intended send time at A to its receipt by B's subscriber: the link's lag, end to end.
/// </summary>
internal sealed class FederationTarget(string scenario, CollabTarget origin, ServerProcess partner, string partnerToken) : IFanOutTarget
{
    public string Scenario { get; } = scenario;

    /// <summary>The origin: its CPU is what the row's server figure counts.</summary>
    public ServerProcess Server => origin.Server;

    public static async Task<FederationTarget> CreateAsync(string scenario, CollabTarget origin, ServerProcess partner)
    {
        using var http = Http.Create(partner.Url);
        using var response = await http.PostAsJsonAsync("/dev/token", new { sub = $"police-partner-{Guid.NewGuid():N}", role = "police" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
        return new FederationTarget(scenario, origin, partner, token);
    }

    /// <summary>The subscriber is a police officer of city B.</summary>
    public Uri HubUrl => new(partner.Url, $"/hubs/collab?access_token={Uri.EscapeDataString(partnerToken)}");

    public string[] Streams => ["partner:city-a"];

    public string Marker(int run, int i) => origin.Marker(run, i);

    public Task<SendOutcome> SendAsync(int run, int i, CancellationToken cancellationToken) => origin.SendAsync(run, i, cancellationToken);

    private sealed record TokenBody(string Token);
}
