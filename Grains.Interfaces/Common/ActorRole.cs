namespace Collab.Common;

/// <summary>The four roles a token can carry.</summary>
public enum ActorRole
{
    Citizen = 0,
    Police = 1,
    Council = 2,
    Operator = 3,
}
