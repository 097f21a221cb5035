using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Collab.Gateway.Operations;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Collab.Tests.Operations;

/// <summary>
/// The optional monitoring component (<c>k8s/components/monitoring</c>): added to an overlay it
/// renders, Prometheus scrapes the gateways' metrics port, and every series its Grafana dashboard
/// asks for is one the gateway exports.
/// </summary>
public sealed partial class MonitoringTests
{
    [Fact]
    public void TheServiceMonitorScrapesTheGatewaysMetricsPortThroughAServiceThatSelectsThem()
    {
        var documents = Manifests.RenderWithComponents("production", "monitoring");
        var monitor = Assert.Single(documents, d => d.Contains("kind: ServiceMonitor", StringComparison.Ordinal));
        var known = documents.Where(d => d != monitor).SelectMany(d => KubernetesYaml.LoadAllFromString(d, strict: true)).ToList();

        var gateway = known.OfType<V1Deployment>().Single(d => d.Metadata.Name == "collab-gateway");
        var metricsPort = Assert.Single(gateway.Spec.Template.Spec.Containers.Single().Ports, p => p.Name == "metrics");
        var service = known.OfType<V1Service>().Single(s => s.Metadata.Name == "collab-gateway-metrics");
        Assert.All(service.Spec.Selector, s => Assert.Equal(s.Value, gateway.Spec.Template.Metadata.Labels[s.Key]));
        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal("metrics", servicePort.TargetPort.Value);
        Assert.Equal(metricsPort.ContainerPort, servicePort.Port);
        Assert.Equal("collab", service.Metadata.NamespaceProperty);

        var yaml = new YamlStream();
        yaml.Load(new StringReader(monitor));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        string At(YamlNode node, params string[] path) => path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]).ToString();
        Assert.Equal("collab", At(root, "metadata", "namespace"));
        var selector = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)root["spec"])["selector"])["matchLabels"];
        Assert.All(selector.Children, l => Assert.Equal(l.Value.ToString(), service.Metadata.Labels[l.Key.ToString()]));
        var endpoint = Assert.Single((YamlSequenceNode)((YamlMappingNode)root["spec"])["endpoints"]);
        Assert.Equal(servicePort.Name, At(endpoint, "port"));
        Assert.Equal("/metrics", At(endpoint, "path"));

        // The gateway's NetworkPolicy lets Prometheus in on that port.
        var policy = known.OfType<V1NetworkPolicy>().Single(p => p.Metadata.Name == "collab-gateway");
        Assert.Contains(policy.Spec.Ingress, rule => rule.Ports.Any(p => p.Port.Value == metricsPort.ContainerPort.ToString()) && rule.FromProperty?.Count > 0);
    }

    [Fact]
    public void EverySeriesTheDashboardAsksForIsOneTheGatewayExports()
    {
        var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Manifests.Root, "k8s", "components", "monitoring", "collab-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        Assert.NotEmpty(expressions);

        var exported = ExportedSeries();
        var asked = expressions.SelectMany(e => Series().Matches(e).Select(m => m.Value)).ToHashSet();
        Assert.NotEmpty(asked);
        Assert.All(asked, name => Assert.True(exported.Contains(name), $"The dashboard asks for {name}, which the gateway does not export: {string.Join(", ", exported.Order())}"));
        // And every Collab instrument is on the dashboard somewhere.
        Assert.All(Instruments(), i => Assert.True(asked.Any(a => a.StartsWith(i.Base, StringComparison.Ordinal)), $"{i.Name} is on no panel."));
    }

    /// <summary>The Prometheus names of the Collab meter's series, as OpenTelemetry's exporter writes them.</summary>
    private static HashSet<string> ExportedSeries()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _, kind) in Instruments())
        {
            switch (kind)
            {
                case "counter":
                    names.Add(name + "_total");
                    break;
                case "histogram":
                    names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
                    break;
                default:
                    names.Add(name);
                    break;
            }
        }

        return names;
    }

    private static List<(string Name, string Base, string Kind)> Instruments()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(CollabMetrics).TypeHandle);
        var found = new List<(string, string, string)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name != CollabMetrics.MeterName)
            {
                return;
            }

            var name = instrument.Name.Replace('.', '_');
            var unit = instrument.Unit switch { "s" => "_seconds", _ => "" };
            var kind = instrument switch
            {
                Counter<long> or Counter<double> => "counter",
                Histogram<double> or Histogram<long> => "histogram",
                _ => "gauge",
            };
            found.Add((name + unit, name, kind));
        };
        listener.Start();
        return found;
    }

    [GeneratedRegex(@"\bcollab_[a-z_]+")]
    private static partial Regex Series();
}
