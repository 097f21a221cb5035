using Collab.Hosting;
using Collab.Tests.Infrastructure;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Collab.Tests.Operations;

/// <summary>Orleans' Kubernetes hosting on silos: behind a setting, and granted exactly what it calls.</summary>
[Collection(KubernetesEnvironment.Name)]
public sealed class KubernetesHostingTests
{
    /// <summary>
    /// What Orleans' Kubernetes hosting (10.4.2, <c>KubernetesClusterAgent</c>) calls: it reads its
    /// own pod (get) and patches its labels (patch), lists and watches the cluster's pods (list,
    /// watch), and deletes pods only when <c>DeleteDefunctSiloPods</c> is on (delete).
    /// </summary>
    private static readonly string[] Calls = ["get", "list", "watch", "patch"];

    [Fact]
    public void WithKubernetesOnTheSiloTakesItsNameFromThePodAndKeepsMembershipInPostgreSql()
    {
        using var pod = new KubernetesEnvironment("collab-silo-5d8f7-x2k4q", "collab");
        var settings = new AdoNetHosts("Host=127.0.0.1;Database=none").Settings();
        settings["Collab:Cluster:Kubernetes"] = "true";
        using var silo = new AdoNetHosts("Host=127.0.0.1;Database=none").BuildSilo(settings);

        Assert.Equal("collab-silo-5d8f7-x2k4q", silo.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        Assert.Equal("127.0.0.1", silo.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress?.ToString());
        Assert.False(silo.Services.GetRequiredService<IOptions<KubernetesHostingOptions>>().Value.DeleteDefunctSiloPods);
        Assert.Contains("AdoNet", silo.Services.GetRequiredService<Orleans.IMembershipTable>().GetType().Name, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheSettingASiloIgnoresThePod()
    {
        using var pod = new KubernetesEnvironment("collab-silo-5d8f7-x2k4q", "collab");
        var hosts = new AdoNetHosts("Host=127.0.0.1;Database=none");
        using var silo = hosts.BuildSilo(hosts.Settings());
        Assert.NotEqual("collab-silo-5d8f7-x2k4q", silo.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        Assert.Empty(silo.Services.GetServices<IConfigureOptions<KubernetesHostingOptions>>());
    }

    [Fact]
    public void DeletingDefunctPodsIsASettingThatNeedsKubernetesHosting()
    {
        using (new KubernetesEnvironment("collab-silo-1", "collab"))
        {
            var hosts = new AdoNetHosts("Host=127.0.0.1;Database=none");
            var settings = hosts.Settings();
            settings["Collab:Cluster:Kubernetes"] = "true";
            settings["Collab:Cluster:DeleteDefunctSiloPods"] = "true";
            using var silo = hosts.BuildSilo(settings);
            Assert.True(silo.Services.GetRequiredService<IOptions<KubernetesHostingOptions>>().Value.DeleteDefunctSiloPods);
        }

        var error = Assert.Throws<OptionsValidationException>(() => ClusterHostingOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Collab:Cluster:Mode"] = "Localhost", ["Collab:Cluster:Kubernetes"] = "true" }).Build()));
        Assert.Contains("AdoNet", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ManifestTests.Overlays), MemberType = typeof(ManifestTests))]
    public void SiloPodsRunKubernetesHostingWithExactlyTheRightsItUses(string overlay)
    {
        var folder = $"overlays/{overlay}";
        var env = Manifests.Environment(folder, "collab-silo");
        var options = ClusterHostingOptions.From(new ConfigurationBuilder().AddInMemoryCollection(env).Build());
        Assert.True(options.Kubernetes, $"{overlay}: silos run without Collab__Cluster__Kubernetes.");
        Assert.Equal(ClusterMode.AdoNet, options.Mode);

        var deployment = Manifests.One<V1Deployment>(folder, "collab-silo");
        var pod = deployment.Spec.Template;
        var container = pod.Spec.Containers.Single();
        foreach (var (variable, field) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP") })
        {
            Assert.Contains(container.Env, e => e.Name == variable && e.ValueFrom?.FieldRef?.FieldPath == field);
        }

        // The agent selects the cluster's pods by these labels; set them in the template, equal to the ids.
        Assert.Equal(options.ServiceId, pod.Metadata.Labels[KubernetesHostingOptions.ServiceIdLabel]);
        Assert.Equal(options.ClusterId, pod.Metadata.Labels[KubernetesHostingOptions.ClusterIdLabel]);

        var account = pod.Spec.ServiceAccountName;
        Assert.False(string.IsNullOrEmpty(account));
        Assert.NotEqual(false, pod.Spec.AutomountServiceAccountToken);
        var binding = Assert.Single(Manifests.All<V1RoleBinding>(folder), b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account));
        Assert.Equal(deployment.Metadata.NamespaceProperty, binding.Subjects.Single().NamespaceProperty);
        var role = Manifests.One<V1Role>(folder, binding.RoleRef.Name);
        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        var expected = options.DeleteDefunctSiloPods ? [.. Calls, "delete"] : Calls;
        Assert.Equal(expected.Order(), rule.Verbs.Order());

        // Nobody else gets the API: gateways and the migrate Job mount no token.
        var gatewayAccount = Manifests.One<V1Deployment>(folder, "collab-gateway").Spec.Template.Spec.ServiceAccountName;
        Assert.False(Manifests.One<V1ServiceAccount>(folder, gatewayAccount).AutomountServiceAccountToken);
        Assert.All(Manifests.All<V1Job>(folder), j => Assert.False(j.Spec.Template.Spec.AutomountServiceAccountToken));
    }
}

/// <summary>The downward-API variables a pod would have; process-wide, so tests that set them run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KubernetesEnvironment : IDisposable
{
    public const string Name = "kubernetes-environment";

    public KubernetesEnvironment()
    {
    }

    public KubernetesEnvironment(string podName, string podNamespace)
    {
        Environment.SetEnvironmentVariable("POD_NAME", podName);
        Environment.SetEnvironmentVariable("POD_NAMESPACE", podNamespace);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("POD_NAME", null);
        Environment.SetEnvironmentVariable("POD_NAMESPACE", null);
    }
}
