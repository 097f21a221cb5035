using Collab.Gateway.Hosting;
using Collab.Hosting;
using Collab.Tests.Infrastructure;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Collab.Tests.Operations;

/// <summary>
/// One shutdown budget: the pod's preStop pause, the host's stop timeout and (silos) Orleans'
/// deactivation timeout, plus a margin, fit in <c>terminationGracePeriodSeconds</c>. The
/// timeouts are read from the applications themselves, built with each overlay's environment.
/// </summary>
public sealed class ShutdownBudgetTests
{
    /// <summary>Room left for the runtime to exit and for the kubelet's own delays.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private const string FakeConnectionString = "Host=127.0.0.1;Database=none";

    [Theory]
    [MemberData(nameof(ManifestTests.Overlays), MemberType = typeof(ManifestTests))]
    public void ASiloStopsWithinItsGracePeriod(string overlay)
    {
        var folder = $"overlays/{overlay}";
        var settings = Manifests.Environment(folder, "collab-silo");
        settings["ConnectionStrings:Collab"] = FakeConnectionString;
        // Kubernetes hosting reads the pod's variables; it plays no part in the timings.
        settings.Remove("Collab:Cluster:Kubernetes");
        using var silo = new AdoNetHosts(FakeConnectionString).BuildSilo(settings);

        var host = silo.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        var deactivation = silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.DeactivationTimeout;
        var (preStop, grace) = Pod(folder, "collab-silo");
        var budget = preStop + host + deactivation + Margin;
        Assert.True(budget <= grace,
            $"{overlay} silo: preStop {preStop.TotalSeconds} s + host stop {host.TotalSeconds} s + deactivation {deactivation.TotalSeconds} s + margin {Margin.TotalSeconds} s > terminationGracePeriodSeconds {grace.TotalSeconds} s.");
        Assert.Equal(settings.TryGetValue("Collab:Shutdown:Timeout", out var set) ? TimeSpan.Parse(set!) : new ShutdownOptions().Timeout, host);
    }

    [Theory]
    [MemberData(nameof(ManifestTests.Overlays), MemberType = typeof(ManifestTests))]
    public async Task AGatewayDrainsAndStopsWithinItsGracePeriod(string overlay)
    {
        var folder = $"overlays/{overlay}";
        var settings = Manifests.Environment(folder, "collab-gateway");
        settings["ConnectionStrings:Collab"] = FakeConnectionString;
        settings["Collab:Auth:SigningKey"] = GatewayFixture.SigningKey;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = settings.GetValueOrDefault("ASPNETCORE_ENVIRONMENT") ?? "Production",
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        await using var gateway = GatewayApp.Build(builder);

        var host = gateway.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        var shutdown = gateway.Services.GetRequiredService<IOptions<ShutdownOptions>>().Value;
        var (preStop, grace) = Pod(folder, "collab-gateway");
        Assert.Equal(shutdown.Timeout, host);
        Assert.True(shutdown.Drain + ShutdownOptions.AfterDrain <= host, $"{overlay} gateway: the drain ({shutdown.Drain}) does not fit in the host's stop ({host}).");
        Assert.True(preStop + host + Margin <= grace,
            $"{overlay} gateway: preStop {preStop.TotalSeconds} s + host stop {host.TotalSeconds} s + margin {Margin.TotalSeconds} s > terminationGracePeriodSeconds {grace.TotalSeconds} s.");
        Assert.True(preStop > TimeSpan.Zero, $"{overlay} gateway: no preStop pause, so the Service may still send clients to a stopping pod.");
    }

    private static (TimeSpan PreStop, TimeSpan Grace) Pod(string folder, string deployment)
    {
        var spec = Manifests.One<V1Deployment>(folder, deployment).Spec.Template.Spec;
        var container = spec.Containers.Single();
        var preStop = container.Lifecycle?.PreStop switch
        {
            null => TimeSpan.Zero,
            { Sleep: { } sleep } => TimeSpan.FromSeconds(sleep.Seconds),
            { Exec.Command: [ "sleep", var seconds ] } => TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)),
            var other => throw new Xunit.Sdk.XunitException($"{folder} {deployment}: a preStop hook this test cannot time: {k8s.KubernetesYaml.Serialize(other)}"),
        };
        var grace = TimeSpan.FromSeconds(spec.TerminationGracePeriodSeconds ?? 30);
        return (preStop, grace);
    }
}
