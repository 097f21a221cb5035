namespace Collab.LoadTest.Serving;

/// <summary>What a server child hosts; <see cref="Info"/> tells the driver where to find it.</summary>
internal interface IServedSystem : IAsyncDisposable
{
    IReadOnlyDictionary<string, string> Info { get; }
}
