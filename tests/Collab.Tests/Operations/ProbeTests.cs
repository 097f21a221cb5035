using System.Net;
using Collab.Silo.Operations;
using Collab.Tests.Infrastructure;
using k8s.Models;

namespace Collab.Tests.Operations;

/// <summary>
/// Every probe in every overlay asks something that exists: a gateway probe's path answers on a
/// running gateway (not 404), a silo probe's path is one the silo serves, on the port it listens on.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ProbeTests(GatewayFixture gateway)
{
    public static TheoryData<string> Overlays() => new(Manifests.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task GatewayProbesAskPathsTheGatewayServes(string overlay)
    {
        var container = Manifests.One<V1Deployment>($"overlays/{overlay}", "collab-gateway").Spec.Template.Spec.Containers.Single();
        var paths = Probes(container).Select(p => p.HttpGet?.Path).ToList();
        Assert.Equal(3, paths.Count);
        using var http = gateway.Http();
        foreach (var path in paths)
        {
            Assert.NotNull(path);
            Assert.Equal("http", Port(container, Probes(container).First(p => p.HttpGet?.Path == path)));
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.OK, $"{overlay}: the gateway answers {(int)response.StatusCode} to its probe {path}.");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloProbesAskThePathsAndPortTheSiloServes(string overlay)
    {
        var folder = $"overlays/{overlay}";
        var container = Manifests.One<V1Deployment>(folder, "collab-silo").Spec.Template.Spec.Containers.Single();
        var env = Manifests.Environment(folder, "collab-silo");
        var port = env.TryGetValue(SiloHealth.HealthPortKey, out var configured) ? int.Parse(configured!) : SiloHealth.DefaultHealthPort;
        var healthPort = Assert.Single(container.Ports, p => p.Name == "health");
        Assert.Equal(port, healthPort.ContainerPort);

        var probes = Probes(container).ToList();
        Assert.Equal(3, probes.Count);
        Assert.All(probes, p => Assert.Equal("health", Port(container, p)));
        Assert.Equal(SiloHealth.Startup, container.StartupProbe.HttpGet.Path);
        Assert.Equal(SiloHealth.Ready, container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(SiloHealth.Live, container.LivenessProbe.HttpGet.Path);
    }

    private static IEnumerable<V1Probe> Probes(V1Container container) =>
        new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe }.OfType<V1Probe>();

    /// <summary>The probe's port by name (a number is resolved to its name).</summary>
    private static string? Port(V1Container container, V1Probe probe)
    {
        var port = probe.HttpGet?.Port.Value;
        return int.TryParse(port, out var number) ? container.Ports.FirstOrDefault(p => p.ContainerPort == number)?.Name : port;
    }
}
