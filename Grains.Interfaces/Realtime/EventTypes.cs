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
}
