using Collab.Common;

namespace Collab.Alerts;

/// <summary>One alert. Key: the alert id (a GUID in "D" format, derived from the issuer and idempotency key).</summary>
[Alias("collab.IAlertGrain")]
public interface IAlertGrain : IGrainWithStringKey
{
    /// <summary>Issues the alert (stored before it returns), then publishes <c>alert.issued</c> on the city stream. Idempotent.</summary>
    [Alias("Issue")]
    Task<Outcome<AlertView>> IssueAsync(IssueAlert command);

    /// <summary>The alert, or not-found.</summary>
    [Alias("Get"), ReadOnly]
    Task<Outcome<AlertView>> GetAsync();

    /// <summary>Removes the alert when the training exercise <paramref name="exerciseId"/> issued it; any other alert stays. Idempotent.</summary>
    [Alias("PurgeExercise")]
    Task PurgeExerciseAsync(string exerciseId);
}
