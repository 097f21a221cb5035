namespace Collab.Gateway.Hosting;

/// <summary>
/// Who may read the operations endpoints on the public port (<c>Collab:Operations</c>). Unset, each
/// is open in the Development environment and for operators only elsewhere (a Prometheus scraper
/// then sends an operator token, or the endpoint is opened here where a network policy keeps the
/// port private). Health probes stay anonymous always.
/// </summary>
public sealed class OperationsOptions
{
    /// <summary>
    /// A port (also in <c>ASPNETCORE_URLS</c>) that serves only <c>/metrics</c>, without a token,
    /// and the health probes; <c>/metrics</c> is then not served on any other port. For Kubernetes:
    /// the Service does not expose it, and a NetworkPolicy admits only Prometheus to it.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 65535)]
    public int? ManagementPort { get; set; }

    /// <summary><c>/metrics</c> without a token; null: only in Development. Ignored with a <see cref="ManagementPort"/>.</summary>
    public bool? PublicMetrics { get; set; }

    /// <summary><c>/openapi/v1.json</c> without a token; null: only in Development.</summary>
    public bool? PublicOpenApi { get; set; }

    /// <summary>
    /// Orleans' dashboard at <c>/dashboard</c> (and its services on the silos, which read the same
    /// key): served on the <see cref="ManagementPort"/> only, or in Development without one; never on
    /// the public port of a deployed gateway. Off by default: its profiling costs every grain call.
    /// </summary>
    public bool Dashboard { get; set; }

    public bool DashboardIsServed(IHostEnvironment environment) => Dashboard && (ManagementPort is not null || environment.IsDevelopment());

    public bool MetricsArePublic(IHostEnvironment environment) => ManagementPort is not null || (PublicMetrics ?? environment.IsDevelopment());

    public bool OpenApiIsPublic(IHostEnvironment environment) => PublicOpenApi ?? environment.IsDevelopment();
}
