namespace Collab.Incidents;

/// <summary>How serious the reporter (or police) judge an incident.</summary>
public enum Severity
{
    Low = 0,
    Medium = 1,
    High = 2,
    Critical = 3,
}
