using Collab.Gateway.Wire;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Security;

/// <summary>
/// The Origin allow-list: CORS for the REST API and a check on every hub request (negotiate and
/// WebSocket upgrade), which CORS alone does not cover. Requests without an Origin header are
/// non-browser clients and pass.
/// </summary>
public static class OriginPolicy
{
    public static IServiceCollection AddCollabOrigins(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<SecurityOptions>, IHostEnvironment>((cors, security, env) =>
                cors.AddDefaultPolicy(policy =>
                {
                    if (security.Value.AllowedOrigins.Length > 0)
                    {
                        policy.WithOrigins(security.Value.AllowedOrigins).AllowAnyHeader().AllowAnyMethod().AllowCredentials();
                    }
                    else if (env.IsDevelopment())
                    {
                        policy.SetIsOriginAllowed(_ => true).AllowAnyHeader().AllowAnyMethod().AllowCredentials();
                    }
                }));
        return services;
    }

    public static WebApplication UseCollabOrigins(this WebApplication app)
    {
        app.UseCors();
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var anyOrigin = security.AllowedOrigins.Length == 0 && app.Environment.IsDevelopment();
        app.Use(async (context, next) =>
        {
            if (!anyOrigin
                && context.Request.Path.StartsWithSegments("/hubs")
                && context.Request.Headers.Origin is { Count: > 0 } origin
                && !IsAllowed(origin.ToString(), context.Request, security.AllowedOrigins))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await Problems.Forbidden("origin-not-allowed", "This origin may not open hub connections.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static bool IsAllowed(string origin, HttpRequest request, string[] allowed) =>
        allowed.Contains(origin, StringComparer.OrdinalIgnoreCase)
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase));
}
