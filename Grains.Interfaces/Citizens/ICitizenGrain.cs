using Collab.Common;
using Collab.Realtime;

namespace Collab.Citizens;

/// <summary>
/// One citizen. Key: the token's <c>sub</c>. Only the gateway calls it, and only on behalf of
/// that citizen (or of an incident grain notifying them). Owns the <c>me</c> stream.
/// </summary>
[Alias("collab.ICitizenGrain")]
public interface ICitizenGrain : IStreamGrain
{
    /// <summary>The citizen's own profile (created empty on first use).</summary>
    [Alias("GetProfile"), ReadOnly]
    Task<CitizenProfile> GetProfileAsync();

    /// <summary>Changes display name and/or language.</summary>
    [Alias("UpdateProfile")]
    Task<Outcome<CitizenProfile>> UpdateProfileAsync(UpdateProfile command);

    /// <summary>Replaces the followed neighbourhoods (slugs must be on the city map).</summary>
    [Alias("SetFollows")]
    Task<Outcome<CitizenProfile>> SetFollowsAsync(IReadOnlyList<string> slugs);

    /// <summary>Records one of the citizen's own reports. Idempotent.</summary>
    [Alias("RecordReport")]
    Task RecordReportAsync(string incidentId);

    /// <summary>Appends to the <c>me</c> stream. Idempotent on the notification's source event id.</summary>
    [Alias("Notify")]
    Task NotifyAsync(CitizenNotification notification);

    /// <summary>Erases the citizen's personal data: profile, follows and the <c>me</c> history.</summary>
    [Alias("Erase")]
    Task EraseAsync();
}
