using System.Globalization;
using System.Net;
using System.Text.Json;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Collab.Tests.Operations;

/// <summary>
/// Orleans' dashboard, turned on (<c>Collab:Operations:Dashboard</c>): its pages and API on the
/// management port, talking to the silo's dashboard services; nothing of it on the public port;
/// and nothing at all where it is off.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DashboardTests(GatewayFixture fx)
{
    [Fact]
    public async Task TheDashboardIsServedOnTheManagementPortOnlyAndReadsTheCluster()
    {
        var publicPort = FreePorts.Next();
        var managementPort = FreePorts.Next();
        var (app, _) = await fx.StartGatewayAsync(
            new()
            {
                // A silo of its own in the process, with the dashboard's services (the fixture's has none).
                ["Collab:Cluster:Mode"] = "Embedded",
                ["Collab:Cluster:ClusterId"] = $"dashboard-{Guid.NewGuid():N}",
                ["Collab:Cluster:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["Collab:Cluster:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["Collab:Storage:Mode"] = "Memory",
                ["Collab:Operations:Dashboard"] = "true",
                ["Collab:Operations:ManagementPort"] = managementPort.ToString(CultureInfo.InvariantCulture),
                ["Collab:Operations:PublicMetrics"] = null,
            },
            b => b.WebHost.UseUrls($"http://127.0.0.1:{publicPort}", $"http://127.0.0.1:{managementPort}"),
            environment: "Production");
        try
        {
            using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}") };
            using var publicHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{publicPort}") };

            var page = await management.GetAsync("/dashboard/index.html");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

            // Its API reads the cluster through the silo's dashboard grain: this silo is in it.
            JsonElement counters = default;
            for (var attempt = 0; attempt < 40; attempt++)
            {
                var response = await management.GetAsync("/dashboard/DashboardCounters");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    counters = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    if (counters.TryGetProperty("totalActiveHostCount", out var hosts) && hosts.GetInt32() >= 1)
                    {
                        break;
                    }
                }

                await Task.Delay(250);
            }

            Assert.Equal(JsonValueKind.Object, counters.ValueKind);
            Assert.True(counters.GetProperty("totalActiveHostCount").GetInt32() >= 1, counters.ToString());

            Assert.Equal(HttpStatusCode.NotFound, (await publicHttp.GetAsync("/dashboard/index.html")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await publicHttp.GetAsync("/dashboard/DashboardCounters")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithoutTheSettingThereIsNoDashboard()
    {
        using var http = fx.Http();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/DashboardCounters")).StatusCode);
    }
}
