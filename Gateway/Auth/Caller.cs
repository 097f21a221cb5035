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

    /// <summary>The caller a token names: a non-empty <c>sub</c> and a known <c>role</c>; else null.</summary>
    public static Caller? From(ClaimsPrincipal? user)
    {
        if (user?.FindFirstValue("sub") is not { Length: > 0 } sub || !Roles.TryParse(user.FindFirstValue("role"), out var role))
        {
            return null;
        }

        var lang = user.FindFirstValue("lang");
        // The name is shown to police and stored with every command: one no store or reader can carry is left out.
        var name = user.FindFirstValue("name");
        return new Caller(new Actor(role, sub, TextRules.IsValid(name) ? name : null, Languages.IsValid(lang) ? lang! : Languages.Default));
    }

    /// <summary>Binds a handler's <see cref="Caller"/> parameter from the request's token.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult(From(context.User));

    /// <summary>The caller of a hub invocation; the hub's authorization already admitted only callers that have one.</summary>
    public static Caller Of(HubCallerContext context) =>
        From(context.User) ?? throw new HubException("The token carries no usable identity.");
}
