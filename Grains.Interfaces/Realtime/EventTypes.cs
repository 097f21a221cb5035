namespace Collab.Realtime;

/// <summary>The event type names of the public contract.</summary>
public static class EventTypes
{
    public const string IncidentReported = "incident.reported";
    public const string NoteAdded = "incident.note_added";
    public const string StatusChanged = "incident.status_changed";
    public const string Assigned = "incident.assigned";
    public const string NoteHidden = "incident.note_hidden";
    public const string NoteRestored = "incident.note_restored";
    public const string NeighbourhoodIncidentUpdated = "neighbourhood.incident_updated";
    public const string CitizenNotified = "me.notification";
    public const string AlertIssued = "alert.issued";
    public const string PartnerIncidentUpdated = "partner.incident_updated";

    // A training exercise's own stream (exercise:{id}), and its debrief's entries.
    public const string ExerciseStarted = "exercise.started";
    public const string ExercisePaused = "exercise.paused";
    public const string ExerciseResumed = "exercise.resumed";
    public const string ExerciseStopped = "exercise.stopped";
    public const string ExerciseCompleted = "exercise.completed";
    public const string ExercisePurged = "exercise.purged";
    public const string ExerciseInject = "exercise.inject";
    public const string ExerciseStepPlayed = "exercise.step_played";
    public const string ExerciseStepRefused = "exercise.step_refused";

    /// <summary>
    /// A shared change (never an event of an incident stream): the incident's reporter erased their
    /// data at the origin, and the partner anonymises what it holds of them. <c>data.change</c> of a
    /// <c>partner.incident_updated</c>.
    /// </summary>
    public const string ReporterErased = "incident.reporter_erased";

    /// <summary>
    /// A shared change (never an event of an incident stream): a training exercise was purged at the
    /// origin, and a partner that took part forgets its incident (the change carries no text or notes).
    /// <c>data.change</c> of a <c>partner.incident_updated</c>.
    /// </summary>
    public const string ExerciseIncidentPurged = "incident.exercise_purged";
}
