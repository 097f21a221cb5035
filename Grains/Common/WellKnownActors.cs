namespace Collab.Common;

/// <summary>
/// The actors no token names: the platform itself, and what an erased citizen becomes. Their user
/// ids are stored (timelines, audit trails, event-log rows), so they never change.
/// </summary>
internal static class WellKnownActors
{
    /// <summary>The name an erased citizen is shown by, and the reporter name it leaves behind.</summary>
    public const string FormerResidentName = "former resident";

    /// <summary>
    /// The platform: the actor of events no person caused (a neighbourhood update, an alert on the
    /// city stream, a note hidden because enough citizens flagged it). Shown as an operator.
    /// </summary>
    public static readonly Actor Platform = new(ActorRole.Operator, "system", null, Languages.Default);

    /// <summary>Replaces an erased citizen as the author of their notes and the actor of their events.</summary>
    public static readonly Actor FormerResident = new(ActorRole.Citizen, "erased", FormerResidentName, Languages.Default);

    public static bool IsFormerResident(Actor actor) =>
        actor.Role == FormerResident.Role && actor.UserId == FormerResident.UserId;
}
