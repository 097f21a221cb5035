using Collab.Gateway.Auth;
using Collab.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Hosting;

/// <summary>Once the gateway listens in embedded development mode, prints a short "try it" path.</summary>
internal static class TryItBanner
{
    public static void PrintWhenStarted(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var devTokens = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens;
            var mode = ClusterHostingOptions.From(app.Configuration).Mode;
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
            Console.WriteLine($"""

                Collab gateway is up ({mode} mode) at {url}
                  Console:  {url}/
                  OpenAPI:  {url}/openapi/v1.json      Hub: {url}/hubs/collab
                """);
            if (!devTokens)
            {
                return;
            }

            Console.WriteLine($$$"""
                Try it:
                  TOKEN=$(curl -s -X POST {{{url}}}/dev/token -H 'Content-Type: application/json' \
                    -d '{"sub":"alice","role":"citizen"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
                  curl -s {{{url}}}/api/neighbourhoods
                  curl -s -X POST {{{url}}}/api/incidents -H "Authorization: Bearer $TOKEN" \
                    -H 'Content-Type: application/json' -H 'Idempotency-Key: try-1' \
                    -d '{"category":"vandalism","description":"Bus shelter glass smashed","location":{"lat":52.07,"lon":4.28}}'
                  curl -s {{{url}}}/api/neighbourhoods/centrum/incidents.geojson

                """);
        });
    }
}
