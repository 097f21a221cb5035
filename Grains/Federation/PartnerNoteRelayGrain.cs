using Collab.Common;
using Microsoft.Extensions.Options;

namespace Collab.Federation;

/// <summary>Sends a mutual-aid note through <see cref="FederationClient"/>; many at once, on any silo.</summary>
[StatelessWorker]
internal sealed class PartnerNoteRelayGrain(IOptions<FederationOptions> options, FederationClient client) : Grain, IPartnerNoteRelay
{
    /// <summary>Well within a grain call's timeout; a note not through by then is retried by its author, with the same key.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    public async Task<Outcome<SharedIncident>> SendNoteAsync(string partnerId, string incidentId, PartnerNote note)
    {
        if (options.Value.Partners.GetValueOrDefault(partnerId) is not { Url: { } url })
        {
            return CommandError.NotFound("partner-not-found", "No such partner city.");
        }

        using var budget = new CancellationTokenSource(Budget);
        return await client.PostNoteAsync(partnerId, url, incidentId, note, budget.Token);
    }
}
