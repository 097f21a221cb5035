using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>
/// One incident. Key: the incident id (a GUID in "D" format). Every command is idempotent on its
/// key: the same command again returns the current view and adds nothing. A command's events are
/// stored before the call returns.
/// </summary>
[Alias("collab.IIncidentGrain")]
public interface IIncidentGrain : IStreamGrain
{
    /// <summary>Creates the incident. A second report with another idempotency key is a conflict.</summary>
    [Alias("Report")]
    Task<Outcome<IncidentView>> ReportAsync(ReportIncident command);

    /// <summary>The viewer's view of the incident; not-found when it was never reported.</summary>
    [Alias("Get"), ReadOnly]
    Task<Outcome<IncidentView>> GetAsync(Actor viewer);

    /// <summary>Adds a note (reporter, police, council; police-only notes by police only).</summary>
    [Alias("AddNote")]
    Task<Outcome<IncidentView>> AddNoteAsync(AddNote command);

    /// <summary>Moves the incident along its lifecycle, following the transition rules.</summary>
    [Alias("ChangeStatus")]
    Task<Outcome<IncidentView>> ChangeStatusAsync(ChangeStatus command);

    /// <summary>Assigns a police unit (police only).</summary>
    [Alias("Assign")]
    Task<Outcome<IncidentView>> AssignAsync(AssignUnit command);

    /// <summary>Hides or restores a public note (police, council).</summary>
    [Alias("Moderate")]
    Task<Outcome<IncidentView>> ModerateAsync(ModerateNote command);

    /// <summary>
    /// A citizen flags a public note. Flags count once per citizen; at the configured threshold the
    /// note is hidden pending review (police or council restore or keep it hidden).
    /// </summary>
    [Alias("Flag")]
    Task<Outcome<IncidentView>> FlagAsync(FlagNote command);

    /// <summary>Returns the reporter's identity to police only, writing the read to the audit trail first.</summary>
    [Alias("RevealReporter")]
    Task<Outcome<ReporterView>> RevealReporterAsync(Actor actor, string reason);

    /// <summary>The audit trail (police and operators).</summary>
    [Alias("GetAudit"), ReadOnly]
    Task<Outcome<IReadOnlyList<AuditEntry>>> GetAuditAsync(Actor actor);

    /// <summary>
    /// Called by the citizen grain when a citizen erases their data: removes their identity from
    /// this incident and renames them "former resident" on notes and events; once the reporter is
    /// erased, the partner cities this incident is shared with are sent the anonymised view, in
    /// their outboxes before the call returns. Idempotent.
    /// </summary>
    [Alias("EraseCitizen")]
    Task EraseCitizenAsync(string userId);

    /// <summary>
    /// Called by the exercise grain when a trainer purges an exercise: when this incident was
    /// created by <paramref name="exerciseId"/>, its state, reporter, audit trail and logged events
    /// are removed and it no longer exists. Nothing happens to any other incident. Idempotent.
    /// </summary>
    [Alias("PurgeExercise")]
    Task PurgeExerciseAsync(string exerciseId);
}
