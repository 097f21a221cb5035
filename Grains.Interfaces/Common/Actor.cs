namespace Collab.Common;

/// <summary>Who is acting: taken from the caller's token by the gateway, never from a request body.</summary>
/// <param name="Role">The role claim.</param>
/// <param name="UserId">The token's <c>sub</c>; for citizens the CitizenGrain key.</param>
/// <param name="Name">Optional display name claim.</param>
/// <param name="Language">BCP 47 language of the caller (defaults to <c>en</c>).</param>
/// <param name="City">
/// The partner city the actor acts for (police of a partner adding a mutual-aid note, user id
/// <c>partner:{cityId}</c>); null for this city's own callers.
/// </param>
[GenerateSerializer, Immutable, Alias("collab.Actor")]
public sealed record Actor(
    [property: Id(0)] ActorRole Role,
    [property: Id(1)] string UserId,
    [property: Id(2)] string? Name,
    [property: Id(3)] string Language,
    [property: Id(4)] string? City = null)
{
    /// <summary>The audience whose view this actor reads.</summary>
    public Audience Audience => Role switch
    {
        ActorRole.Police => Audience.Police,
        ActorRole.Council => Audience.Council,
        _ => Audience.Public,
    };
}
