namespace Collab.Gateway.Wire;

/// <summary><c>GET /console/config.json</c>: how the browser console signs people in.</summary>
public sealed record ConsoleConfigResponse(bool DevTokens, OidcConfigDto? Oidc);

/// <summary>The identity provider the console sends people to (authorization code flow with PKCE).</summary>
public sealed record OidcConfigDto(string Authority, string ClientId, string Scope);

/// <summary><c>GET /api/operator/status</c>: the cluster at a glance, as this gateway sees it.</summary>
public sealed record ClusterStatusResponse(GatewayStatusDto Gateway, IReadOnlyList<SiloStatusDto> Silos, string At);

/// <summary>This gateway: open hub connections, subscriptions and followed streams by kind, events sent to groups since it started.</summary>
public sealed record GatewayStatusDto(
    int Connections,
    IReadOnlyDictionary<string, int> Subscriptions,
    IReadOnlyDictionary<string, int> StreamsFollowed,
    long Deliveries,
    bool Draining);

/// <summary>An active silo of the cluster: its membership entry and latest runtime statistics.</summary>
public sealed record SiloStatusDto(
    string Address,
    string Name,
    string Status,
    string StartedAt,
    int? Activations,
    int? Clients,
    float? CpuUsage,
    long? MemoryUsage,
    bool? Overloaded);
