using System.Runtime.CompilerServices;
using System.Security.Claims;
using Collab.Common;
using Microsoft.AspNetCore.SignalR;

namespace Collab.Gateway.Auth;

/// <summary>
/// Who is calling, read once from the validated token: the <see cref="Collab.Common.Actor"/> grains
/// see. Authorization admits only callers that have one, so handlers take a <see cref="Caller"/>
/// parameter (or <c>Caller?</c> where anonymous callers are welcome) and hub methods call
/// <see cref="Of(HubCallerContext)"/>.
/// </summary>
public sealed record Caller(Actor Actor)
{
    public string UserId => Actor.UserId;

    public ActorRole Role => Actor.Role;

    public Audience Audience => Actor.Audience;

    public string Language => Actor.Language;

    /// <summary>Longest <c>sub</c> taken (OpenID Connect caps it at 255 ASCII characters).</summary>
    public const int MaxSubjectLength = 255;

    /// <summary>
    /// The caller a token names, or null when it names none: exactly one <c>sub</c> claim, a string
    /// that <see cref="IsValidSubject"/>, and exactly one <c>role</c> claim, a string naming one of the
    /// roles. A token with two roles (or a role array of two) names no caller: judging it by
    /// either would let the token's issuer, not its holder's one role, pick what it may do. The
    /// authorization policies admit exactly the callers this returns, so a genuine token without one
    /// is a 403 everywhere a caller is needed, and reads as anonymous where anonymous callers are welcome.
    /// </summary>
    public static Caller? From(ClaimsPrincipal? user) =>
        // A request's principal (a hub connection's, for all its invocations) is asked several times
        // (localization, authorization, the handler): read its claims once. Nothing changes an
        // identity after authentication built it, and the bearer handler hands every request with a
        // remembered token the same identity in a new principal: remembered by that one identity,
        // the answer is read once per token rather than once per request; the table lets it go
        // with the identity. A principal of several identities (none here) is read each time.
        user switch
        {
            null => null,
            { Identities: ICollection<ClaimsIdentity> { Count: 1 }, Identity: ClaimsIdentity identity } =>
                Read.GetValue(identity, static i => new StrongBox<Caller?>(Parse(new ClaimsPrincipal(i)))).Value,
            _ => Parse(user),
        };

    private static readonly ConditionalWeakTable<ClaimsIdentity, StrongBox<Caller?>> Read = new();

    private static Caller? Parse(ClaimsPrincipal user)
    {
        if (Single(user, "sub") is not { } sub || !IsValidSubject(sub) || !Roles.TryParse(Single(user, "role"), out var role))
        {
            return null;
        }

        var lang = user.FindFirstValue("lang");
        // The name is shown to police and stored with every command: one no store or reader can carry is left out.
        var name = user.FindFirstValue("name");
        return new Caller(new Actor(role, sub, TextRules.IsValid(name) ? name : null, Languages.IsValid(lang) ? Languages.Normalize(lang!) : Languages.Default));
    }

    /// <summary>
    /// The actor ids of callers that come without a token: Open311 reporters are
    /// <c>open311:{app}:{device}</c> and the Open311 public reader is <c>open311</c>. A token's
    /// <c>sub</c> is a CitizenGrain key and an incident's reporter id, the same namespace: were a
    /// token allowed to name one of these, its holder would own that app's reports (<c>/api/me</c>,
    /// <c>isOwnReport</c>, the reporter's public notes). Existing citizens keep their keys (the
    /// contract says the <c>sub</c> is the key); only this prefix is reserved.
    /// </summary>
    public const string ReservedSubject = "open311";

    /// <summary>
    /// The actor ids of partner cities (<c>partner:{cityId}</c>: their police adding mutual-aid notes,
    /// on this city's incidents), reserved as <see cref="ReservedSubject"/> is: a token naming one
    /// would share that partner's idempotency keys and erasure.
    /// </summary>
    public const string PartnerSubjectPrefix = "partner:";

    /// <summary>
    /// A subject every store and key can carry and no gateway-made actor uses: 1 to
    /// <see cref="MaxSubjectLength"/> characters, not blank, without control characters (newline
    /// included: idempotency keys are scoped as <c>"{sub}\n{key}"</c>), bidi overrides or broken
    /// Unicode, neither <see cref="ReservedSubject"/> nor under it (<c>open311:…</c>), and not a
    /// partner city's (<see cref="PartnerSubjectPrefix"/>), nor a training exercise's control (<c>exercise:…</c>).
    /// </summary>
    public static bool IsValidSubject(string? sub) =>
        sub is { Length: > 0 and <= MaxSubjectLength }
        && !string.IsNullOrWhiteSpace(sub)
        && !sub.Any(char.IsControl)
        && TextRules.IsValid(sub)
        && sub != ReservedSubject
        && !sub.StartsWith(ReservedSubject + ":", StringComparison.Ordinal)
        && !sub.StartsWith(PartnerSubjectPrefix, StringComparison.Ordinal)
        && !sub.StartsWith(Collab.Exercises.ExerciseActors.SubjectPrefix, StringComparison.Ordinal);

    /// <summary>The value of the one string claim of <paramref name="type"/>; null when there is none, several, or it is not a string.</summary>
    private static string? Single(ClaimsPrincipal user, string type)
    {
        Claim? found = null;
        foreach (var claim in user.FindAll(type))
        {
            if (found is not null)
            {
                return null;
            }

            found = claim;
        }

        return found is { ValueType: ClaimValueTypes.String } ? found.Value : null;
    }

    /// <summary>Binds a handler's <see cref="Caller"/> parameter from the request's token.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult(From(context.User));

    /// <summary>The caller of a hub invocation; the hub's authorization already admitted only callers that have one.</summary>
    public static Caller Of(HubCallerContext context) =>
        From(context.User) ?? throw new HubException("The token carries no usable identity.");
}
