using Collab.Gateway.Auth;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.WebConsole;

/// <summary>
/// The browser console: static files from <c>wwwroot</c> (HTML, CSS, JavaScript modules, texts per
/// language, the SignalR client) under a Content-Security-Policy that allows scripts, styles and
/// connections from this origin only (no inline script), and <c>/console/config.json</c>, which
/// tells the page how to sign in. The API's own answers are not touched.
/// </summary>
public static class ConsoleHosting
{
    public static IServiceCollection AddCollabConsole(this IServiceCollection services)
    {
        services.AddOptions<ConsoleOptions>().BindConfiguration("Collab:Console").ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>Serves <c>/</c> and the console's files, each with the console's security headers.</summary>
    public static WebApplication UseCollabConsole(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Enabled)
        {
            return app;
        }

        var policy = ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Authority);
        var files = app.Environment.WebRootFileProvider;
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                // Small files that change with the gateway: always revalidated (ETag), never stale.
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }

    /// <summary><c>GET /console/config.json</c> (anonymous): development tokens on or not, and the identity provider.</summary>
    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/config.json", GetConsoleConfig).WithTags("Console").AllowAnonymous().WithName("GetConsoleConfig");
        return app;
    }

    private static Ok<ConsoleConfigResponse> GetConsoleConfig(IOptions<AuthOptions> auth, IOptions<ConsoleOptions> console) =>
        TypedResults.Ok(new ConsoleConfigResponse(
            auth.Value.DevTokens,
            auth.Value.Authority is { Length: > 0 } authority && console.Value.ClientId is { Length: > 0 } clientId
                ? new OidcConfigDto(authority, clientId, console.Value.Scope)
                : null));

    /// <summary>
    /// Scripts, styles, images and connections (REST and the hub's WebSocket, which <c>'self'</c>
    /// covers) from this origin only; the identity provider too for connections when one signs
    /// people in (its discovery document and token endpoint). No inline script, no eval, no
    /// framing, no plugins.
    /// </summary>
    public static string ContentSecurityPolicy(string? authority)
    {
        var connect = "'self'";
        if (authority is { Length: > 0 } && Uri.TryCreate(authority, UriKind.Absolute, out var uri))
        {
            connect += " " + uri.GetLeftPart(UriPartial.Authority);
        }

        return $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src {connect}; "
            + "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
    }
}
