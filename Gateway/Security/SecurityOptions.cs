using System.ComponentModel.DataAnnotations;

namespace Collab.Gateway.Security;

/// <summary>Abuse limits and browser access (<c>Collab:Security</c>).</summary>
public sealed class SecurityOptions
{
    /// <summary>REST commands (POST, PUT, DELETE) one user may send per <see cref="Window"/>.</summary>
    [Range(1, 100_000)]
    public int CommandsPerWindow { get; set; } = 60;

    /// <summary>Hub invocations one user may make per <see cref="Window"/>, across their connections on this gateway.</summary>
    [Range(1, 100_000)]
    public int HubInvocationsPerWindow { get; set; } = 120;

    /// <summary>
    /// Hub connection attempts (negotiate and connect requests) one user may make per <see cref="Window"/>:
    /// each negotiation holds a pending connection on the server even if the client never connects.
    /// </summary>
    [Range(1, 1_000_000)]
    public int HubConnectsPerWindow { get; set; } = 120;

    /// <summary>
    /// Anonymous reads (Open311 GETs, <c>/api/neighbourhoods*</c>, <c>/api/alerts/*</c>) one remote
    /// address may make per <see cref="Window"/>; callers with a token are not limited by this.
    /// </summary>
    [Range(1, 1_000_000)]
    public int AnonymousReadsPerWindow { get; set; } = 300;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Hub connections one user may hold open on this gateway; past it a new one is closed (<c>too-many-connections</c>).</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>
    /// Browser origins allowed to call the API (CORS) and to open hub connections. Empty: only
    /// same-origin pages and non-browser clients (which send no Origin); in Development any origin.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
