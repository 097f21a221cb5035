using System.Security.Claims;
using Collab.Common;

namespace Collab.Gateway.Auth;

/// <summary>Turns a validated token into the <see cref="Actor"/> that grains see.</summary>
public static class ActorExtensions
{
    public static Actor? ToActor(this ClaimsPrincipal user)
    {
        var sub = user.FindFirstValue("sub");
        if (string.IsNullOrEmpty(sub) || !Roles.TryParse(user.FindFirstValue("role"), out var role))
        {
            return null;
        }

        var lang = user.FindFirstValue("lang");
        // The name is shown to police and stored with every command: one no store or reader can carry is left out.
        var name = user.FindFirstValue("name");
        return new Actor(role, sub, TextRules.IsValid(name) ? name : null, Languages.IsValid(lang) ? lang! : Languages.Default);
    }
}
