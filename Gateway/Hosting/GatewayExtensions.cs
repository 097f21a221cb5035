using Collab.Gateway.Exercises;
using Collab.Gateway.Access;
using Collab.Gateway.Alerts;
using Collab.Gateway.Auth;
using Collab.Federation;
using Collab.Gateway.Citizens;
using Collab.Gateway.WebConsole;
using Collab.Gateway.Federation;
using Collab.Gateway.Incidents;
using Collab.Gateway.Localization;
using Collab.Gateway.Neighbourhoods;
using Collab.Gateway.Open311;
using Collab.Gateway.Operations;
using Collab.Gateway.Realtime;
using Collab.Gateway.Research;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Collab.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Hosting;

/// <summary>The gateway's wiring: Orleans, auth, HTTP, SignalR, health.</summary>
public static class GatewayExtensions
{
    /// <summary>Largest REST request body accepted (descriptions are at most 4,000 characters).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Largest hub message accepted.</summary>
    public const long MaxHubMessageBytes = 32 * 1024;

    public static WebApplicationBuilder AddCollabGateway(this WebApplicationBuilder builder)
    {
        builder.AddCollabOrleans();
        builder.Services.AddCollabShutdown();
        builder.AddCollabAuth();
        builder.AddCollabTelemetry();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        builder.Services.AddCollabLocalization();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.FillDefaults);
        builder.Services.AddExceptionHandler<CollabExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => WireFormat.ConfigureHttp(o.SerializerOptions));
        builder.Services.AddOpenApi();
        builder.Services.AddOptions<OperationsOptions>().BindConfiguration("Collab:Operations").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration("Collab:Security").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddCollabRateLimits();
        builder.Services.AddOptions<Open311Options>().BindConfiguration("Collab:Open311");
        builder.Services.AddCollabOrigins();
        builder.Services.AddCollabConsole();
        // A refused hub call is the client's mistake, not a server error: HubErrorLogFilter logs each failure once.
        HubErrorLogFilter.HoldBackFrameworkLogs(builder.Logging);
        // The hub's query-string token must never reach a log: the hosting diagnostics log full URLs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Connections", LogLevel.Warning);
        builder.Services.AddCollabHealth();

        builder.Services.AddOptions<GatewayRealtimeOptions>().BindConfiguration("Collab:Realtime").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddCollabFederationKeys();
        builder.Services.AddSingleton<StreamRouter>();
        builder.Services.AddSingleton<HubConnections>();
        builder.Services.AddGatewayDrain();
        builder.Services.AddSingleton<CollabMetrics>();
        builder.Services.AddSingleton<FederationStatus>();
        builder.Services.AddHostedService<FederationStatusMonitor>();
        builder.Services.AddSingleton<LiveStreams>();
        // Sends never wait for a connection; a connection that falls too far behind is cut off.
        builder.Services.AddSingleton<CollabHubLifetimeManager>();
        builder.Services.AddSingleton<HubLifetimeManager<CollabHub>>(sp => sp.GetRequiredService<CollabHubLifetimeManager>());
        builder.Services.AddHostedService<StreamRenewal>();
        // One activator for the process instead of SignalR's one per invocation's scope.
        builder.Services.AddSingleton<IHubActivator<CollabHub>, CollabHubActivator>();
        builder.Services.AddSingleton<RevocationList>();
        builder.Services.AddHostedService<RevocationSync>();
        builder.Services.AddCollabSignalR();
        return builder;
    }

    /// <summary>
    /// SignalR as the gateway serves it: <see cref="AddCollabHubProtocols"/> and the gateway's hub
    /// filters, each one instance for the process (the container's singleton; a filter SignalR had to
    /// build would be built and disposed for every invocation: the rate limiter would then start
    /// afresh on each call and limit nothing). Handed to SignalR as instances, not types: a filter
    /// given by type is looked up in the invocation's scope and wrapped in one more asynchronous
    /// call, for every invocation.
    /// </summary>
    public static ISignalRServerBuilder AddCollabSignalR(this IServiceCollection services)
    {
        services.TryAddSingleton<HubErrorLogFilter>();
        services.TryAddSingleton<HubRateLimitFilter>();
        services.TryAddSingleton<HubPolicyFilter>();
        var signalR = services.AddCollabHubProtocols();
        services.AddOptions<HubOptions>().Configure<HubErrorLogFilter, HubPolicyFilter, HubRateLimitFilter>((o, errors, policies, limits) =>
        {
            // Outermost: it logs what every other filter and the hub throw.
            o.AddFilter(errors);
            o.AddFilter(policies);
            o.AddFilter(limits);
        });
        return signalR;
    }

    /// <summary>
    /// The gateway's hub limits and protocols (JSON as the wire format has it, and MessagePack),
    /// without its filters. Public so the load test's bare baseline hub runs with exactly these
    /// settings and the comparison stays like for like.
    /// </summary>
    public static ISignalRServerBuilder AddCollabHubProtocols(this IServiceCollection services) =>
        services.AddSignalR(o =>
            {
                o.MaximumReceiveMessageSize = MaxHubMessageBytes;
                o.EnableDetailedErrors = false;
            })
            .AddJsonProtocol(o => WireFormat.ConfigureHub(o.PayloadSerializerOptions))
            .AddMessagePackProtocol();

    public static WebApplication UseCollabGateway(this WebApplication app)
    {
        app.UseManagementPort();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCollabOrigins();
        app.UseCollabConsole();
        app.UseGatewayDrain();
        app.UseWebSockets();
        app.UseAuthentication();
        // After authentication: a token's lang is the language when Accept-Language names none translated.
        app.UseRequestLocalization();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Every endpoint of the public contract, plus OpenAPI and health.</summary>
    public static WebApplication MapCollabEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapDashboardEndpoint();
        var openApi = app.MapOpenApi();
        if (app.Services.GetRequiredService<IOptions<OperationsOptions>>().Value.OpenApiIsPublic(app.Environment))
        {
            openApi.AllowAnonymous();
        }
        else
        {
            openApi.RequireAuthorization(Roles.OperatorOnly);
        }

        app.MapDevTokenApi();
        app.MapIncidentApi();
        app.MapNeighbourhoodApi();
        app.MapMeApi();
        app.MapOperatorApi();
        app.MapClusterStatusApi();
        app.MapConsoleApi();
        app.MapAlertApi();
        app.MapOpen311Api();
        app.MapFederationApi();
        app.MapPartnerApi();
        app.MapResearchApi();
        app.MapExerciseApi();
        var realtime = app.Services.GetRequiredService<IOptions<GatewayRealtimeOptions>>().Value;
        app.MapHub<CollabHub>("/hubs/collab", o =>
        {
            o.CloseOnAuthenticationExpiration = true;
            // A connection that stops reading holds at most this much in its pipe, on top of the messages its outbox bounds.
            o.ApplicationMaxBufferSize = realtime.MaxConnectionBufferBytes;
        }).RequireAuthorization().RequireRateLimiting(RateLimits.HubConnects);
        return app;
    }
}
