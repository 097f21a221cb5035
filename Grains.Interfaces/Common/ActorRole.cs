namespace Collab.Common;

/// <summary>The roles a token can carry.</summary>
public enum ActorRole
{
    Citizen = 0,
    Police = 1,
    Council = 2,
    Operator = 3,
    /// <summary>Reads the research aggregates only (counts and response times with small cells suppressed); no incident, stream or person.</summary>
    Researcher = 4,
}
