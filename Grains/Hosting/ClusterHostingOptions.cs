using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Collab.Hosting;

/// <summary>How a process joins the cluster (<c>Collab:Cluster</c>, plus <c>ORLEANS_SERVICE_ID</c> / <c>ORLEANS_CLUSTER_ID</c>).</summary>
public sealed class ClusterHostingOptions
{
    public ClusterMode Mode { get; set; } = ClusterMode.Embedded;

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Localhost mode, several silos: the silo port of the first (primary) silo.</summary>
    [Range(1, 65535)]
    public int? PrimarySiloPort { get; set; }

    /// <summary>Localhost mode: the client ports of every silo a gateway may use (defaults to <see cref="GatewayPort"/>).</summary>
    public int[] GatewayPorts { get; set; } = [];

    /// <summary>
    /// AdoNet mode: the address this silo publishes in the membership table for other silos and
    /// gateways. Empty means <c>POD_IP</c> (the Kubernetes downward API) when set, else loopback.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// How long a grain call may take before Orleans gives up (its <c>ResponseTimeout</c>, on silos
    /// and clients). Above a command's worst case against a slow database (three round trips of
    /// <see cref="StorageOptions.ConnectTimeoutSeconds"/> + <see cref="StorageOptions.CommandTimeoutSeconds"/>),
    /// so the database's own error, with its cause, arrives first.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// AdoNet silos in Kubernetes pods: Orleans' Kubernetes hosting names the silo after its pod
    /// (<c>POD_NAME</c>), advertises <c>POD_IP</c>, labels the pod with the cluster's ids and
    /// declares dead the silos whose pods are gone. Membership stays in PostgreSQL. Off by default,
    /// so runs outside Kubernetes are unchanged.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// With <see cref="Kubernetes"/>: also delete the pods of silos the cluster declared dead
    /// (Orleans' <c>DeleteDefunctSiloPods</c>). Needs the verb <c>delete</c> on pods in the silos' Role.
    /// </summary>
    public bool DeleteDefunctSiloPods { get; set; }

    [Required]
    public string ServiceId { get; set; } = "collab";

    [Required]
    public string ClusterId { get; set; } = "dev";

    /// <summary>The advertised address, parsed; a bad value fails at start-up with the setting's name.</summary>
    public IPAddress AdvertisedAddress() =>
        IPAddress.TryParse(AdvertisedIPAddress, out var address)
            ? address
            : throw new InvalidOperationException($"Collab:Cluster:AdvertisedIPAddress '{AdvertisedIPAddress}' is not an IP address.");

    /// <summary>
    /// Reads the section, then the Orleans identity variables, which win, and checks the result
    /// against the attributes above. Read while the host is being built (Orleans' own options need
    /// it then), so it is validated here rather than by the options pipeline.
    /// </summary>
    public static ClusterHostingOptions From(IConfiguration configuration)
    {
        var options = new ClusterHostingOptions();
        configuration.GetSection("Collab:Cluster").Bind(options);
        options.ServiceId = configuration["ORLEANS_SERVICE_ID"] is { Length: > 0 } service ? service : options.ServiceId;
        options.ClusterId = configuration["ORLEANS_CLUSTER_ID"] is { Length: > 0 } cluster ? cluster : options.ClusterId;
        if (string.IsNullOrWhiteSpace(options.AdvertisedIPAddress))
        {
            options.AdvertisedIPAddress = configuration["POD_IP"] is { Length: > 0 } pod ? pod : IPAddress.Loopback.ToString();
        }

        var errors = new List<ValidationResult>();
        if (options.Kubernetes && options.Mode != ClusterMode.AdoNet)
        {
            errors.Add(new ValidationResult("Kubernetes hosting needs Mode AdoNet (membership in PostgreSQL)."));
        }

        if (options.DeleteDefunctSiloPods && !options.Kubernetes)
        {
            errors.Add(new ValidationResult("DeleteDefunctSiloPods needs Kubernetes=true."));
        }

        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException("Collab:Cluster", typeof(ClusterHostingOptions), errors.Select(e => $"Collab:Cluster: {e.ErrorMessage}"));
        }

        return options;
    }
}

/// <summary><c>Embedded</c>: the gateway hosts a silo; <c>Localhost</c>: silos on this machine; <c>AdoNet</c>: membership in PostgreSQL.</summary>
public enum ClusterMode
{
    Embedded = 0,
    Localhost = 1,
    AdoNet = 2,
}
