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

    /// <summary>
    /// A shared change (never an event of an incident stream): the incident's reporter erased their
    /// data at the origin, and the partner anonymises what it holds of them. <c>data.change</c> of a
    /// <c>partner.incident_updated</c>.
    /// </summary>
    public const string ReporterErased = "incident.reporter_erased";
}
