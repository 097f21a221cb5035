using k8s;
using k8s.Models;

namespace Collab.Tests.Operations;

/// <summary>The kustomize base and overlays, rendered and checked offline.</summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Overlays() => new(Manifests.Overlays);

    public static TheoryData<string> EveryRender() => new(["base", .. Manifests.Overlays.Select(o => $"overlays/{o}")]);

    [Theory]
    [MemberData(nameof(EveryRender))]
    public void EveryImageIsPinnedByATagOtherThanLatest(string folder)
    {
        var images = Manifests.PodTemplates(folder)
            .SelectMany(p => p.Template.Spec.Containers.Concat(p.Template.Spec.InitContainers ?? []).Select(c => (p.Owner, c.Image)))
            .ToList();
        Assert.NotEmpty(images);
        foreach (var (owner, image) in images)
        {
            var tag = Manifests.Tag(image);
            Assert.True(tag is not null && tag != "latest", $"{folder}: {owner} runs '{image}', which is not pinned by a tag.");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SelectorsMatchTheirPods(string overlay)
    {
        var folder = $"overlays/{overlay}";
        var pods = Manifests.PodTemplates(folder).Select(p => p.Template.Metadata?.Labels ?? new Dictionary<string, string>()).ToList();
        bool Selects(IDictionary<string, string>? selector) =>
            selector is { Count: > 0 } && pods.Any(labels => selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value));

        foreach (var d in Manifests.All<V1Deployment>(folder))
        {
            Assert.True(d.Spec.Selector.MatchLabels.All(s => d.Spec.Template.Metadata.Labels[s.Key] == s.Value), $"{overlay}: Deployment {d.Metadata.Name}'s selector misses its pods.");
        }

        foreach (var s in Manifests.All<V1StatefulSet>(folder))
        {
            Assert.True(s.Spec.Selector.MatchLabels.All(l => s.Spec.Template.Metadata.Labels[l.Key] == l.Value), $"{overlay}: StatefulSet {s.Metadata.Name}'s selector misses its pods.");
        }

        foreach (var service in Manifests.All<V1Service>(folder))
        {
            Assert.True(Selects(service.Spec.Selector), $"{overlay}: Service {service.Metadata.Name} selects no pod.");
        }

        foreach (var pdb in Manifests.All<V1PodDisruptionBudget>(folder))
        {
            Assert.True(Selects(pdb.Spec.Selector.MatchLabels), $"{overlay}: PodDisruptionBudget {pdb.Metadata.Name} selects no pod.");
        }

        foreach (var policy in Manifests.All<V1NetworkPolicy>(folder))
        {
            Assert.True(Selects(policy.Spec.PodSelector.MatchLabels), $"{overlay}: NetworkPolicy {policy.Metadata.Name} selects no pod.");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void EveryConfigMapAndSecretReferencedExistsOrIsDocumentedAsExternal(string overlay)
    {
        var folder = $"overlays/{overlay}";
        // Created by the operator from a vault, never committed (each overlay's kustomization says how).
        string[] external = overlay switch
        {
            "production" => ["collab-secrets"],
            "partner-city" => ["collab-federation"],
            _ => [],
        };
        var maps = Manifests.All<V1ConfigMap>(folder).Select(m => m.Metadata.Name).ToHashSet();
        var secrets = Manifests.All<V1Secret>(folder).Select(s => s.Metadata.Name).ToHashSet();
        foreach (var (owner, template) in Manifests.PodTemplates(folder))
        {
            foreach (var container in template.Spec.Containers)
            {
                foreach (var source in container.EnvFrom ?? [])
                {
                    if (source.ConfigMapRef is { } map) Assert.True(maps.Contains(map.Name), $"{overlay}: {owner} reads ConfigMap {map.Name}, which is not rendered.");
                    if (source.SecretRef is { } secret) Assert.True(secrets.Contains(secret.Name) || external.Contains(secret.Name), $"{overlay}: {owner} reads Secret {secret.Name}, which is not rendered.");
                }
            }

            foreach (var volume in template.Spec.Volumes ?? [])
            {
                if (volume.Secret is { } secret) Assert.True(secrets.Contains(secret.SecretName) || external.Contains(secret.SecretName), $"{overlay}: {owner} mounts Secret {secret.SecretName}, which is not rendered.");
            }
        }

        foreach (var name in external)
        {
            Assert.DoesNotContain(name, secrets);
        }
    }

    [Fact]
    public void DevRunsItsOwnPostgreSqlOnAVolumeWithDevTokensAndOneReplicaEach()
    {
        const string folder = "overlays/dev";
        var postgres = Manifests.One<V1StatefulSet>(folder, "postgres");
        var claim = Assert.Single(postgres.Spec.VolumeClaimTemplates);
        Assert.Equal("1Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Contains(postgres.Spec.Template.Spec.Containers.Single().VolumeMounts, m => m.Name == claim.Metadata.Name);
        Assert.Equal("postgres", Manifests.One<V1Service>(folder, "postgres").Metadata.Name);

        var secret = Assert.Single(Manifests.All<V1Secret>(folder), s => s.Metadata.Name.StartsWith("collab-secrets", StringComparison.Ordinal));
        Assert.Contains("Host=postgres;", secret.StringData?["ConnectionStrings__Collab"] ?? System.Text.Encoding.UTF8.GetString(secret.Data["ConnectionStrings__Collab"]));

        var gateway = Manifests.Environment(folder, "collab-gateway");
        Assert.Equal("true", gateway["Collab:Auth:DevTokens"]);
        foreach (var d in Manifests.All<V1Deployment>(folder))
        {
            Assert.Equal(1, d.Spec.Replicas);
        }

        Assert.Empty(Manifests.All<V2HorizontalPodAutoscaler>(folder));
    }

    [Fact]
    public void ProductionHasNoDevTokensProbesAndResourcesEverywhereAndSpreadsAcrossZones()
    {
        const string folder = "overlays/production";
        foreach (var name in new[] { "collab-silo", "collab-gateway" })
        {
            var env = Manifests.Environment(folder, name);
            Assert.False(env.TryGetValue("Collab:Auth:DevTokens", out var dev) && dev == "true", $"{name} has development tokens on.");
            Assert.False(env.ContainsKey("Collab:Auth:AllowDevTokensOutsideDevelopment"));
            Assert.Equal("Production", env["ASPNETCORE_ENVIRONMENT"]);

            var deployment = Manifests.One<V1Deployment>(folder, name);
            var spread = deployment.Spec.Template.Spec.TopologySpreadConstraints ?? [];
            Assert.Contains(spread, c => c.TopologyKey == "topology.kubernetes.io/zone" && c.LabelSelector.MatchLabels.SequenceEqual(deployment.Spec.Selector.MatchLabels));
            Assert.True(deployment.Spec.Replicas >= 2, $"{name}: {deployment.Spec.Replicas} replica(s).");
            Assert.Contains(Manifests.All<V2HorizontalPodAutoscaler>(folder), h => h.Spec.ScaleTargetRef.Name == name);
            Assert.StartsWith("registry.example/collab/", deployment.Spec.Template.Spec.Containers.Single().Image, StringComparison.Ordinal);
        }

        Assert.Empty(Manifests.All<V1StatefulSet>(folder));
        foreach (var (owner, template) in Manifests.PodTemplates(folder))
        {
            foreach (var container in template.Spec.Containers)
            {
                var requests = container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>();
                Assert.True(requests.ContainsKey("cpu") && requests.ContainsKey("memory"), $"{owner}/{container.Name} requests no cpu or memory.");
                Assert.True(container.Resources?.Limits?.ContainsKey("memory") == true, $"{owner}/{container.Name} has no memory limit.");
                if (!owner.StartsWith("Job/", StringComparison.Ordinal))
                {
                    Assert.True(container.StartupProbe is not null && container.ReadinessProbe is not null && container.LivenessProbe is not null,
                        $"{owner}/{container.Name} lacks a startup, readiness or liveness probe.");
                }
            }
        }
    }

    [Fact]
    public void PartnerCityIsASecondCityInItsOwnNamespaceWithFederationSettings()
    {
        const string folder = "overlays/partner-city";
        Assert.All(Manifests.Render(folder).OfType<IMetadata<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal("collab-partner", o.Metadata.NamespaceProperty));
        Assert.Equal("collab-partner", Assert.Single(Manifests.All<V1Namespace>(folder)).Metadata.Name);

        var env = Manifests.Environment(folder, "collab-gateway");
        Assert.Equal("partner-city", env["Collab:City:Id"]);
        Assert.NotEqual(Manifests.Environment("overlays/dev", "collab-gateway")["ORLEANS_CLUSTER_ID"], env["ORLEANS_CLUSTER_ID"]);
        Assert.Equal("http://collab-gateway.collab.svc.cluster.local", env["Collab:Federation:Partners:demo-city:Url"]);
        Assert.Contains(env, e => e.Key.StartsWith("Collab:Federation:Partners:demo-city:Share:", StringComparison.Ordinal));
        var keyFile = env["Collab:Federation:SigningKeyFile"]!;
        var mounts = Manifests.One<V1Deployment>(folder, "collab-gateway").Spec.Template.Spec.Containers.Single().VolumeMounts;
        Assert.Contains(mounts, m => keyFile.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every gateway keeps enough pooled arrays for its connections' pipes: with the runtime's
    /// default (32 per size and core) a burst to a thousand connections allocated a new array for
    /// nearly every pipe segment (docs/performance.md).
    /// </summary>
    [Theory]
    [MemberData(nameof(Overlays))]
    public void GatewaysKeepEnoughPooledArraysForTheirConnections(string overlay)
    {
        var env = Manifests.Environment($"overlays/{overlay}", "collab-gateway");
        Assert.True(env.TryGetValue("DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION", out var arrays), $"{overlay}: the gateway keeps the default pool.");
        Assert.True(int.Parse(arrays!, System.Globalization.CultureInfo.InvariantCulture) >= 1024, $"{overlay}: {arrays} arrays per partition.");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloPortsAreTheConfiguredOrleansPortsAndOnlyGatewaysAndSilosReachThem(string overlay)
    {
        var folder = $"overlays/{overlay}";
        var env = Manifests.Environment(folder, "collab-silo");
        var siloPort = int.Parse(env["Collab:Cluster:SiloPort"]!, System.Globalization.CultureInfo.InvariantCulture);
        var gatewayPort = int.Parse(env["Collab:Cluster:GatewayPort"]!, System.Globalization.CultureInfo.InvariantCulture);
        var silo = Manifests.One<V1Deployment>(folder, "collab-silo");
        var ports = silo.Spec.Template.Spec.Containers.Single().Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.Equal(siloPort, ports["silo"]);
        Assert.Equal(gatewayPort, ports["orleans-gw"]);

        // The gateways are Orleans clients of the silos' client port; silos talk to each other on the silo port.
        var gatewayLabels = Manifests.One<V1Deployment>(folder, "collab-gateway").Spec.Template.Metadata.Labels;
        var siloLabels = silo.Spec.Template.Metadata.Labels;
        var policy = Manifests.One<V1NetworkPolicy>(folder, "collab-silo");
        Assert.All(policy.Spec.PodSelector.MatchLabels, l => Assert.Equal(l.Value, siloLabels[l.Key]));
        bool Admits(IDictionary<string, string> from, int port) => policy.Spec.Ingress.Any(rule =>
            rule.Ports.Any(p => p.Port.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            && rule.FromProperty.Any(peer => peer.NamespaceSelector is null && peer.PodSelector?.MatchLabels is { } match
                && match.All(l => from.TryGetValue(l.Key, out var v) && v == l.Value)));
        Assert.True(Admits(gatewayLabels, gatewayPort), $"{overlay}: gateways cannot reach the silos' client port {gatewayPort}.");
        Assert.True(Admits(siloLabels, siloPort), $"{overlay}: silos cannot reach each other on {siloPort}.");
        // And nothing else: every rule names its peers.
        Assert.All(policy.Spec.Ingress, rule => Assert.NotEmpty(rule.FromProperty ?? []));
    }
}
