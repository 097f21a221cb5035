using Collab.LoadTest.Clients;

namespace Collab.LoadTest.Driving;

/// <summary>baseline-signalr: a POST makes the bare hub send one envelope to its one group.</summary>
internal sealed class BareTarget(ServerProcess server) : IFanOutTarget
{
    private readonly HttpClient _http = Http.Create(server.Url);

    public string Scenario => "baseline-signalr";

    public ServerProcess Server => server;

    public Uri HubUrl => new(server.Url, "/hubs/bare");

    public string[] Streams => [];

    public string Marker(int run, int i) => $"b{run}-{i}";

    public async Task<SendOutcome> SendAsync(int run, int i, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync($"/send/{Marker(run, i)}", content: null, cancellationToken);
        return SendOutcomes.Of(response.StatusCode);
    }
}
