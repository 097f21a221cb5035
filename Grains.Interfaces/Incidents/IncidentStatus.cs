namespace Collab.Incidents;

/// <summary>The incident lifecycle: reported → acknowledged → dispatched → resolved → closed; or rejected / duplicate.</summary>
public enum IncidentStatus
{
    Reported = 0,
    Acknowledged = 1,
    Dispatched = 2,
    Resolved = 3,
    Closed = 4,
    Rejected = 5,
    Duplicate = 6,
}
