using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Collab.Federation;

/// <summary>Federation's services: settings and keys (silos and gateways), the outbox and its HTTP client (silos).</summary>
public static class FederationServiceExtensions
{
    /// <summary>Settings (validated at start), keys, signer and verifier. Safe to call more than once (an embedded gateway is both).</summary>
    public static IServiceCollection AddCollabFederationKeys(this IServiceCollection services)
    {
        services.AddOptions<FederationOptions>().BindConfiguration(FederationOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FederationOptions>, FederationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FederationKeys>();
        services.TryAddSingleton<FederationSigner>();
        services.TryAddSingleton<FederationVerifier>();
        return services;
    }

    /// <summary>What a silo needs to share: the outbox entry point and the resilient HTTP client its links deliver with.</summary>
    internal static IServiceCollection AddCollabFederationOutbox(this IServiceCollection services)
    {
        services.AddCollabFederationKeys();
        services.TryAddSingleton<FederationOutbox>();
        services.TryAddSingleton<FederationClient>();
        services.AddHttpClient(FederationClient.HttpClientName)
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.MaxRetryAttempts = 3;
                o.Retry.BackoffType = Polly.DelayBackoffType.Exponential;
                o.Retry.UseJitter = true;
                o.Retry.Delay = TimeSpan.FromMilliseconds(500);
                o.Retry.MaxDelay = TimeSpan.FromSeconds(5);
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
            })
            // A circuit per partner (host and port): one partner down does not cut off the others.
            .SelectPipelineByAuthority();
        return services;
    }
}
