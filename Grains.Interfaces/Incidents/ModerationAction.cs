namespace Collab.Incidents;

/// <summary>What a moderator does to a public note.</summary>
public enum ModerationAction
{
    Hide = 0,
    Restore = 1,
}
