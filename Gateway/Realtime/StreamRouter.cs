using System.Security.Cryptography;
using System.Text;
using Collab.Alerts;
using Collab.Citizens;
using Collab.Common;
using Collab.Exercises;
using Collab.Federation;
using Collab.Gateway.Auth;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Realtime;

namespace Collab.Gateway.Realtime;

/// <summary>Decides whether, and as which audience, a caller may follow a stream a client names.</summary>
public sealed class StreamRouter(IGrainFactory grains, CityMap map, FederationKeys federation)
{
    private const string UnknownStream = "Unknown stream.";

    /// <summary>The route, or the reason (a client-facing message) the caller may not follow the stream.</summary>
    public (StreamRoute? Route, string? Error) Resolve(string? stream, Caller caller)
    {
        if (stream == StreamNames.Me)
        {
            return caller.Role == ActorRole.Citizen
                ? (new StreamRoute(StreamNames.Me, StreamNames.OfCitizen(caller.UserId), grains.GetGrain<ICitizenGrain>(caller.UserId), Audience.Public, $"me:{Pseudonym(caller.UserId)}"), null)
                : (null, "Only citizens have a 'me' stream.");
        }

        if (!StreamNames.TryParse(stream, out var name))
        {
            return (null, UnknownStream);
        }

        if (name.Kind == StreamNames.Incident)
        {
            return WireFormat.TryParseId(name.Key, out var id)
                ? Route(StreamNames.OfIncident(id), grains.GetGrain<IIncidentGrain>(id), caller)
                : (null, UnknownStream);
        }

        if (name.Kind == StreamNames.Neighbourhood)
        {
            return map.Find(name.Key) is null
                ? (null, "Unknown neighbourhood.")
                : Route(name, grains.GetGrain<INeighbourhoodGrain>(name.Key), caller);
        }

        if (name.Kind == StreamNames.Partner)
        {
            // Police and council see what a partner shares; citizens its public share only (the
            // mirror marks an authorities share council-and-up, so their view of it stays empty).
            return !federation.Partners.ContainsKey(name.Key) ? (null, "Unknown partner city.")
                : caller.Role == ActorRole.Operator ? (null, "Partner streams are for police, council and citizens.")
                : Route(name, grains.GetGrain<IPartnerMirrorGrain>(name.Key), caller);
        }

        if (name.Kind == StreamNames.Exercise)
        {
            // Trainees are police and council; an exercise is never shown to citizens (nor operators).
            return !WireFormat.TryParseId(name.Key, out var id) ? (null, UnknownStream)
                : caller.Role is not (ActorRole.Police or ActorRole.Council) ? (null, "Exercise streams are for police and council.")
                : Route(StreamNames.OfExercise(id), grains.GetGrain<IExerciseGrain>(id), caller);
        }

        // A citizen's stream is followed only as 'me'; naming one directly is refused like a misspelling.
        return name.Kind == StreamNames.City
            ? Route(name, grains.GetGrain<ICityGrain>(ICityGrain.Key), caller)
            : (null, UnknownStream);
    }

    /// <summary>A shared stream: clients, grains and the SignalR group all use its one name.</summary>
    private static (StreamRoute?, string?) Route(StreamName name, IStreamGrain grain, Caller caller)
    {
        var text = name.ToString();
        return (new StreamRoute(text, name, grain, caller.Audience, text), null);
    }

    /// <summary>Group names never carry a user id: the 'me' group is named by a one-way hash of it.</summary>
    private static string Pseudonym(string userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)))[..32];
}
