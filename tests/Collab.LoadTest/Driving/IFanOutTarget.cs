namespace Collab.LoadTest.Driving;

/// <summary>A system that fans one message out to every client of a pool: the bare hub or the Collab gateway.</summary>
internal interface IFanOutTarget
{
    string Scenario { get; }

    ServerProcess Server { get; }

    ClientPool CreatePool(bool messagePack);

    /// <summary>What the clients will see as <c>data.incident.id</c> for message <paramref name="i"/> of run <paramref name="run"/>.</summary>
    string Marker(int run, int i);

    /// <summary>Sends message i; false when the server refused it.</summary>
    Task<bool> SendAsync(int run, int i, CancellationToken cancellationToken);
}
