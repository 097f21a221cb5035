using System.Net.Http.Headers;
using System.Net.Http.Json;
using Collab.Gateway.Hosting;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.City;

/// <summary>A city of its own: one gateway hosting its silo (embedded, memory storage) on free ports, with the given settings.</summary>
public sealed class EmbeddedCity : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedCity(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public IServiceProvider Services => _app.Services;

    public static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collab:Cluster:Mode"] = "Embedded",
            ["Collab:Cluster:SiloPort"] = FreePorts.Next().ToString(),
            ["Collab:Cluster:GatewayPort"] = FreePorts.Next().ToString(),
            ["Collab:Cluster:ClusterId"] = "city-" + Guid.NewGuid().ToString("N")[..8],
            ["Collab:Storage:Mode"] = "Memory",
            ["Collab:Auth:DevTokens"] = "true",
            ["Collab:Auth:AllowDevTokensOutsideDevelopment"] = "true",
            ["Collab:Auth:SigningKey"] = GatewayFixture.SigningKey,
            ["Collab:Open311:ApiKeys:test-app"] = GatewayFixture.Open311Key,
            ["Collab:Shutdown:Drain"] = "00:00:01",
            ["Collab:Shutdown:MaxReconnectDelayMs"] = "500",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return GatewayApp.Build(builder);
    }

    public static async Task<EmbeddedCity> StartAsync(Dictionary<string, string?> settings)
    {
        var app = Build(settings);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmbeddedCity(app, new Uri(address));
    }

    public HttpClient Http(string? token = null, string? acceptLanguage = null)
    {
        var client = new HttpClient { BaseAddress = Url };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (acceptLanguage is not null) client.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);
        return client;
    }

    public async Task<string> TokenAsync(string role, string? lang = null)
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync("/dev/token", new { sub = $"{role}-{Guid.NewGuid():N}", role, lang });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["token"];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
