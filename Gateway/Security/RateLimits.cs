using System.Security.Claims;
using System.Threading.RateLimiting;
using Collab.Gateway.Auth;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Security;

/// <summary>
/// Per-user limits on REST commands, and per-address limits on anonymous reads: a flooding caller
/// gets 429 problem details with <c>Retry-After</c> while everyone else is unaffected. Commands
/// are partitioned by the token's <c>sub</c> (by address when anonymous).
/// </summary>
public static class RateLimits
{
    public const string Commands = "commands";

    /// <summary>Hub connection attempts: the hub endpoint's negotiate and connect requests.</summary>
    public const string HubConnects = "hub-connects";

    /// <summary>
    /// Reads open to anyone (Open311 GETs, neighbourhoods, alerts): an anonymous caller is limited
    /// per remote address; a caller with a token is not limited here.
    /// </summary>
    public const string AnonymousReads = "anonymous-reads";

    public static IServiceCollection AddCollabRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>>((o, security) =>
        {
            var limits = security.Value;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Commands, http => RateLimitPartition.GetFixedWindowLimiter(
                PartitionKey(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.CommandsPerWindow, Window = limits.Window, QueueLimit = 0 }));
            o.AddPolicy(HubConnects, http => RateLimitPartition.GetFixedWindowLimiter(
                PartitionKey(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.HubConnectsPerWindow, Window = limits.Window, QueueLimit = 0 }));

            o.AddPolicy(AnonymousReads, http => http.User.Identity?.IsAuthenticated == true
                ? RateLimitPartition.GetNoLimiter("u")
                : RateLimitPartition.GetFixedWindowLimiter(
                    "a:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.AnonymousReadsPerWindow, Window = limits.Window, QueueLimit = 0 }));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var policy = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "global";
                context.HttpContext.RequestServices.GetRequiredService<Operations.CollabMetrics>().RateLimited(policy);
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                var what = context.HttpContext.Request.Path.StartsWithSegments("/hubs") ? "hub connection attempts" : "requests";
                if (Open311.GeoReportWriter.IsOpen311(context.HttpContext.Request))
                {
                    await Open311.GeoReportWriter.WriteErrorAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, $"Too many {what}; slow down and retry later.");
                    return;
                }

                await Problems.Problem(StatusCodes.Status429TooManyRequests, "too-many-requests", $"Too many {what}; slow down and retry later.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>
    /// A group at the same prefix as <paramref name="routes"/> for its commands (POST, PUT, DELETE):
    /// every endpoint mapped on it counts against the caller's command limit, is refused (503) while
    /// the push path is overloaded (<see cref="Operations.AdmissionFilter"/>: counted apart), and is
    /// otherwise counted in the <c>collab.commands</c> metric by its endpoint name.
    /// </summary>
    public static RouteGroupBuilder MapCommandGroup(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("").RequireRateLimiting(Commands).AddEndpointFilter<Operations.AdmissionFilter>().AddEndpointFilter<Operations.CommandMetricsFilter>();

    /// <summary>
    /// A group at the same prefix as <paramref name="routes"/> for reads anyone may make: every
    /// endpoint mapped on it counts against an anonymous caller's per-address read limit.
    /// </summary>
    public static RouteGroupBuilder MapAnonymousReadGroup(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("").RequireRateLimiting(AnonymousReads);

    /// <summary>
    /// A user is their subject (as <see cref="Caller"/> reads it, once per token; a token that names
    /// no caller by its raw <c>sub</c>); anonymous callers are their remote address.
    /// </summary>
    private static string PartitionKey(HttpContext http) =>
        (Caller.From(http.User)?.UserId ?? http.User.FindFirstValue("sub")) is { Length: > 0 } sub
            ? "u:" + sub
            : "a:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
