using Collab.Gateway.Hosting;
using Collab.Gateway.Realtime;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;

namespace Collab.LoadTest.Serving;

/// <summary>
/// baseline-signalr: Kestrel and SignalR with the gateway's settings and nothing else: what this
/// machine can fan out without Orleans, auth or mapping.
/// <list type="bullet">
/// <item><c>POST /send/{marker}</c> sends one envelope shaped like <c>neighbourhood.incident_updated</c>
/// to one group holding every connection;</item>
/// <item><c>POST /incidents/{id}/notes</c> (<c>{ text, visibility }</c>, as Collab's) sends one envelope
/// shaped like <c>incident.note_added</c> to the group of <c>incident:{id}</c>, which clients join
/// with the hub's <c>Subscribe</c>;</item>
/// <item><c>POST /noop</c> reads a small JSON body and answers it: a bare REST round trip.</item>
/// </list>
/// </summary>
internal sealed class BareSignalRServer(WebApplication app) : IServedSystem
{
    public const string Group = "all";

    private static long s_seq;

    public IReadOnlyDictionary<string, string> Info { get; private init; } = new Dictionary<string, string>();

    public static async Task<BareSignalRServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", Args = [] });
        Quiet(builder.Logging);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = GatewayExtensions.MaxRequestBodyBytes);
        // The gateway's limits and protocols, not its hub filters (rate limits, error logging): SignalR bare.
        builder.Services.AddCollabHubProtocols();
        var app = builder.Build();
        app.UseWebSockets();
        // The gateway's per-connection send buffer (Collab:Realtime:MaxConnectionBufferBytes, 32 KB).
        app.MapHub<BareHub>("/hubs/bare", o => o.ApplicationMaxBufferSize = 32 * 1024);
        app.MapPost("/send/{marker}", SendAsync);
        app.MapPost("/incidents/{id}/notes", AddNoteAsync);
        app.MapPost("/noop", (NoopBody body) => TypedResults.Ok(body));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BareSignalRServer(app) { Info = new Dictionary<string, string> { ["url"] = url } };
    }

    internal static void Quiet(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // As the gateway's appsettings.json has it: the product's own Information logs stay, the
        // frameworks' per-request ones go (the silo's appsettings.json, copied here too, would keep them).
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Orleans' placement logs two Information lines per new activation through Polly.
        logging.AddFilter("Polly", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        logging.AddFilter("Orleans", LogLevel.Warning);
    }

    private static async Task<IResult> SendAsync(string marker, IHubContext<BareHub, ICollabClient> hub)
    {
        await hub.Clients.Group(Group).Event(SampleEnvelope(marker));
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> AddNoteAsync(string id, NoteRequest request, IHubContext<BareHub, ICollabClient> hub)
    {
        if (string.IsNullOrWhiteSpace(request.Text)) return TypedResults.BadRequest();
        var stream = $"incident:{id}";
        var envelope = NoteEnvelope(stream, id, request.Text, request.Visibility ?? "public");
        await hub.Clients.Group(stream).Event(envelope);
        return TypedResults.Ok(new { id, eventId = envelope.Id });
    }

    /// <summary>The shape of a public <c>incident.note_added</c> as a citizen reads it, with the note's text as it was posted.</summary>
    private static EventEnvelope NoteEnvelope(string stream, string incidentId, string text, string visibility)
    {
        var now = WireFormat.Time(DateTimeOffset.UtcNow);
        var eventId = Guid.NewGuid().ToString("N");
        var note = new Dictionary<string, object?>
        {
            ["eventId"] = eventId,
            ["text"] = text,
            ["visibility"] = visibility,
            ["author"] = new Dictionary<string, object?> { ["role"] = "police", ["name"] = null },
            ["createdAt"] = now,
            ["hidden"] = false,
            ["language"] = "en",
        };
        var data = new Dictionary<string, object?> { ["incidentId"] = incidentId, ["note"] = note };
        return new EventEnvelope(stream, Interlocked.Increment(ref s_seq), eventId, "incident.note_added", now, new ActorDto("police", null), data);
    }

    /// <summary>About the size and shape of a real public neighbourhood event, with the marker as incident id.</summary>
    private static EventEnvelope SampleEnvelope(string marker)
    {
        var now = WireFormat.Time(DateTimeOffset.UtcNow);
        var incident = new Dictionary<string, object?>
        {
            ["id"] = marker,
            ["category"] = "vandalism",
            ["status"] = "reported",
            ["severity"] = "medium",
            ["location"] = new Dictionary<string, object?> { ["lat"] = 52.071, ["lon"] = 4.281, ["accuracyM"] = 250L },
            ["locationBlurred"] = true,
            ["neighbourhood"] = "centrum",
            ["reportedAt"] = now,
            ["updatedAt"] = now,
            ["version"] = 1L,
        };
        var data = new Dictionary<string, object?> { ["neighbourhood"] = "centrum", ["incident"] = incident };
        return new EventEnvelope("neighbourhood:centrum", 1, Guid.NewGuid().ToString("N"), "neighbourhood.incident_updated", now, new ActorDto("operator", null), data);
    }

    internal sealed record NoopBody(string? Unit);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
