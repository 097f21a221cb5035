namespace Collab.LoadTest.Driving;

/// <summary>The command sender's HTTP client: pooled keep-alive connections, enough for open-loop bursts.</summary>
internal static class Http
{
    public static HttpClient Create(Uri baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
