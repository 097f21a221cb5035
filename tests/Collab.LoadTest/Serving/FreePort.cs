using System.Net;
using System.Net.Sockets;

namespace Collab.LoadTest.Serving;

/// <summary>A loopback port nobody listens on right now (for the silo's two ports).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
