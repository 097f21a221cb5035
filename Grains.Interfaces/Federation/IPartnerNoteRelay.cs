using Collab.Common;

namespace Collab.Federation;

/// <summary>
/// Sends mutual-aid notes to the partner city whose incident they annotate, signed, from a silo
/// (where this city's deliveries to partners go out). A stateless worker: key 0.
/// </summary>
[Alias("collab.IPartnerNoteRelay")]
public interface IPartnerNoteRelay : IGrainWithIntegerKey
{
    /// <summary>
    /// Posts <paramref name="note"/> on <paramref name="partnerId"/>'s incident <paramref name="incidentId"/>;
    /// the incident as the partner shares it with this city once the note is in its timeline, the
    /// partner's refusal, or <see cref="ErrorKind.Unavailable"/> when it cannot be reached (retry with
    /// the same note id).
    /// </summary>
    [Alias("SendNote")]
    Task<Outcome<SharedIncident>> SendNoteAsync(string partnerId, string incidentId, PartnerNote note);
}
