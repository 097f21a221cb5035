using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Collab.Hosting;

/// <summary>
/// How long a silo or a gateway may take to stop (<c>Collab:Shutdown</c>). With the pod's preStop
/// pause and a margin these make the shutdown budget, which must fit in the pod's
/// <c>terminationGracePeriodSeconds</c> or Kubernetes kills the process mid-way (a test checks
/// every overlay against these values).
/// </summary>
public sealed class ShutdownOptions : IValidatableObject
{
    public const string Section = "Collab:Shutdown";

    /// <summary>What a gateway still needs after its drain: closing the remaining sockets and its cluster client.</summary>
    public static readonly TimeSpan AfterDrain = TimeSpan.FromSeconds(5);

    /// <summary>The host's whole stop (<see cref="HostOptions.ShutdownTimeout"/>); a gateway's drain happens inside it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Silos: how long a grain may take to deactivate (Orleans' <see cref="GrainCollectionOptions.DeactivationTimeout"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Gateways: how long the drain may wait for hub clients to leave after telling them to
    /// reconnect elsewhere (the gateway's <c>GatewayDrain</c>); it ends early once none is left.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Drain { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gateways (the drain): the largest <c>afterMs</c> of a <c>Reconnect</c>; each client gets a random delay up to it, so they do not all come back at once.</summary>
    [Range(0, 600_000)]
    public int MaxReconnectDelayMs { get; set; } = 5_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Drain + AfterDrain > Timeout)
        {
            yield return new ValidationResult($"Drain ({Drain}) plus {AfterDrain.TotalSeconds:0} s to close must fit in Timeout ({Timeout}).", [nameof(Drain)]);
        }

        if (TimeSpan.FromMilliseconds(MaxReconnectDelayMs) > Drain)
        {
            yield return new ValidationResult($"MaxReconnectDelayMs ({MaxReconnectDelayMs}) must not exceed Drain ({Drain}): clients told to wait longer would be cut off.", [nameof(MaxReconnectDelayMs)]);
        }
    }
}
