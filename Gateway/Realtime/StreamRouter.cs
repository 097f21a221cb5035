using System.Security.Cryptography;
using System.Text;
using Collab.Alerts;
using Collab.Citizens;
using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;

namespace Collab.Gateway.Realtime;

/// <summary>Parses stream names and decides whether, and as which audience, a caller may follow them.</summary>
public sealed class StreamRouter(IGrainFactory grains, CityMap map)
{
    public const int MaxStreamName = 200;

    /// <summary>The route, or the reason (a client-facing message) the caller may not follow the stream.</summary>
    public (StreamRoute? Route, string? Error) Resolve(string? stream, Actor actor)
    {
        if (string.IsNullOrEmpty(stream) || stream.Length > MaxStreamName)
        {
            return (null, "Unknown stream.");
        }

        if (stream == "me")
        {
            if (actor.Role != ActorRole.Citizen)
            {
                return (null, "Only citizens have a 'me' stream.");
            }

            var grain = grains.GetGrain<ICitizenGrain>(actor.UserId);
            return (new StreamRoute("me", $"citizen:{actor.UserId}", grain, Audience.Public, $"me:{Pseudonym(actor.UserId)}"), null);
        }

        if (stream.StartsWith("incident:", StringComparison.Ordinal))
        {
            if (!Guid.TryParseExact(stream["incident:".Length..], "D", out var id))
            {
                return (null, "Unknown stream.");
            }

            var name = $"incident:{id:D}";
            return (new StreamRoute(name, name, grains.GetGrain<IIncidentGrain>(id.ToString("D")), actor.Audience, name), null);
        }

        if (stream.StartsWith("neighbourhood:", StringComparison.Ordinal))
        {
            var slug = stream["neighbourhood:".Length..];
            if (map.Find(slug) is null)
            {
                return (null, "Unknown neighbourhood.");
            }

            return (new StreamRoute(stream, stream, grains.GetGrain<INeighbourhoodGrain>(slug), actor.Audience, stream), null);
        }

        return stream == "city"
            ? (new StreamRoute("city", "city", grains.GetGrain<ICityGrain>(ICityGrain.Key), actor.Audience, "city"), null)
            : (null, "Unknown stream.");
    }

    /// <summary>Group names never carry a user id: the 'me' group is named by a one-way hash of it.</summary>
    private static string Pseudonym(string userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)))[..32];
}
