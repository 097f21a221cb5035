using Collab.Common;

namespace Collab.Gateway.Auth;

/// <summary>The role claim values and the authorization policies built on them.</summary>
public static class Roles
{
    public const string Citizen = "citizen";
    public const string Police = "police";
    public const string Council = "council";
    public const string Operator = "operator";
    public const string Researcher = "researcher";

    public const string Reporters = "reporters";
    public const string Authorities = "authorities";
    public const string PoliceOnly = "police-only";
    public const string CitizenOnly = "citizen-only";
    public const string PoliceOrOperator = "police-or-operator";
    public const string AuthoritiesOrOperator = "authorities-or-operator";
    public const string OperatorOnly = "operator-only";
    public const string ResearcherOnly = "researcher-only";
    /// <summary>Police whose token carries the <see cref="TrainerClaim"/>: they start, pause, stop, debrief and purge training exercises.</summary>
    public const string Trainers = "trainers";

    /// <summary>The claim (<c>"trainer": "true"</c>) that makes a police officer a trainer.</summary>
    public const string TrainerClaim = "trainer";

    /// <summary>
    /// The claim (<c>"supervisor": "true"</c>, on a trainer's token) that lets a trainer control any
    /// exercise; without it a trainer controls only the exercises they started.
    /// </summary>
    public const string SupervisorClaim = "supervisor";

    /// <summary>Exactly one <see cref="SupervisorClaim"/>, <c>"true"</c>.</summary>
    public static bool IsSupervisor(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindAll(SupervisorClaim).ToList() is [{ Value: "true" }];

    public static bool TryParse(string? value, out ActorRole role)
    {
        switch (value)
        {
            case Citizen: role = ActorRole.Citizen; return true;
            case Police: role = ActorRole.Police; return true;
            case Council: role = ActorRole.Council; return true;
            case Operator: role = ActorRole.Operator; return true;
            case Researcher: role = ActorRole.Researcher; return true;
            default: role = default; return false;
        }
    }
}
