using Collab.LoadTest.Clients;

namespace Collab.LoadTest.Driving;

/// <summary>A system that fans one message out to every client of a pool: the bare hub or the Collab gateway.</summary>
internal interface IFanOutTarget
{
    string Scenario { get; }

    ServerProcess Server { get; }

    /// <summary>Where the subscribers connect.</summary>
    Uri HubUrl { get; }

    /// <summary>What each subscriber follows (the bare hub's clients are in its group from the start).</summary>
    string[] Streams { get; }

    /// <summary>What the clients will see as the marker (<see cref="WireEnvelope.Marker"/>) of message <paramref name="i"/> of run <paramref name="run"/>.</summary>
    string Marker(int run, int i);

    /// <summary>Sends message i: acknowledged, refused (503 or 429: load shed or limited, explicitly), or failed.</summary>
    Task<SendOutcome> SendAsync(int run, int i, CancellationToken cancellationToken);
}

internal enum SendOutcome
{
    Acknowledged,
    Refused,
    Failed,
}

internal static class SendOutcomes
{
    public static SendOutcome Of(System.Net.HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => SendOutcome.Acknowledged,
        503 or 429 => SendOutcome.Refused,
        _ => SendOutcome.Failed,
    };
}
