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
        return new Actor(role, sub, user.FindFirstValue("name"), Languages.IsValid(lang) ? lang! : Languages.Default);
    }
}
