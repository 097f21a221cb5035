using Collab.Common;
using Collab.Federation;
using Collab.Gateway.Auth;
using Collab.Gateway.Wire;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Federation;

/// <summary>
/// Incidents partner cities shared with this one, found by id for the incident endpoints: an id
/// that is no incident of this city may be one a partner shared. Operators do not read partners'
/// incidents (as they do not follow <c>partner:</c> streams); citizens read only public shares.
/// </summary>
public static class MirroredIncidents
{
    /// <summary>The partner that shared incident <paramref name="id"/> and its view for <paramref name="caller"/>, or null.</summary>
    public static async Task<(string Partner, SharedIncident Incident)?> FindAsync(IGrainFactory grains, FederationOptions federation, string? id, Caller caller)
    {
        if (federation.Partners.Count == 0 || caller.Role == ActorRole.Operator || !WireFormat.TryParseId(id, out var key))
        {
            return null;
        }

        foreach (var partner in federation.Partners.Keys)
        {
            if (await grains.GetGrain<IPartnerMirrorGrain>(partner).GetIncidentAsync(key, caller.Audience) is { } incident)
            {
                return (partner, incident);
            }
        }

        return null;
    }
}
