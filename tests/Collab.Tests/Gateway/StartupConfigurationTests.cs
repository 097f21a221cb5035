using Collab.Gateway.Hosting;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Tests.Gateway;

/// <summary>A gateway whose identity settings would leave it broken or wide open refuses to start.</summary>
public sealed class StartupConfigurationTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task WithoutASigningKeyOrAuthorityTheGatewayRefusesToStartNamingTheSetting(string environment)
    {
        var failure = await StartupFailureAsync(environment, new() { ["Collab:Auth:DevTokens"] = "false" });
        Assert.Contains("Collab:Auth:SigningKey", failure.Message);
        Assert.Contains("Collab:Auth:Authority", failure.Message);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public async Task DevTokensOutsideDevelopmentRefuseToStart(string environment)
    {
        var failure = await StartupFailureAsync(environment, new()
        {
            ["Collab:Auth:DevTokens"] = "true",
            ["Collab:Auth:SigningKey"] = GatewayFixture.SigningKey,
        });
        Assert.Contains("Collab:Auth:DevTokens", failure.Message);
        Assert.Contains(environment, failure.Message);
    }

    [Theory]
    [InlineData("Collab:Research:MinCellCount", "1")]
    [InlineData("Collab:Research:HistoryDays", "0")]
    [InlineData("Collab:Research:HistoryDays", "401")]
    [InlineData("Collab:Research:TimeZone", "Mars/Olympus_Mons")]
    public async Task BadResearchSettingsRefuseToStartNamingTheSetting(string key, string value)
    {
        var failure = await StartupFailureAsync("Testing", new()
        {
            ["Collab:Auth:DevTokens"] = "false",
            ["Collab:Auth:SigningKey"] = GatewayFixture.SigningKey,
            [key] = value,
        });
        Assert.Contains(key, failure.Message);
    }

    [Fact]
    public void ResearchersLocalTimeZoneIsAccepted()
    {
        using var app = Build("Testing", new()
        {
            ["Collab:Auth:DevTokens"] = "false",
            ["Collab:Auth:SigningKey"] = GatewayFixture.SigningKey,
            ["Collab:Research:TimeZone"] = "Europe/Zurich",
        });
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal("Europe/Zurich", app.Services.GetRequiredService<IOptions<Collab.Research.ResearchOptions>>().Value.Zone()?.Id);
    }

    [Theory]
    [InlineData("Production", "false", GatewayFixture.SigningKey, null, null)]
    [InlineData("Production", "false", null, "https://login.example.org/realms/collab", null)]
    [InlineData("Development", "true", null, null, null)]
    [InlineData("Testing", "true", GatewayFixture.SigningKey, null, "true")]
    public void ValidIdentitySettingsPassStartupValidation(string environment, string devTokens, string? signingKey, string? authority, string? allowOutsideDevelopment)
    {
        using var app = Build(environment, new()
        {
            ["Collab:Auth:DevTokens"] = devTokens,
            ["Collab:Auth:SigningKey"] = signingKey,
            ["Collab:Auth:Authority"] = authority,
            ["Collab:Auth:AllowDevTokensOutsideDevelopment"] = allowOutsideDevelopment,
        });
        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    /// <summary>
    /// With an identity provider, tokens are checked against its published keys with the asymmetric
    /// algorithms providers sign with, never the shared secret (the console's sign-in depends on it);
    /// without one, only HS256 with the configured key.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TokensAreCheckedWithTheProvidersKeysOrTheSigningKey(bool withAuthority)
    {
        using var app = Build("Production", new()
        {
            ["Collab:Auth:DevTokens"] = "false",
            ["Collab:Auth:SigningKey"] = withAuthority ? null : GatewayFixture.SigningKey,
            ["Collab:Auth:Authority"] = withAuthority ? "https://login.example.org/realms/collab" : null,
        });
        var jwt = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions>>()
            .Get(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme);
        var algorithms = jwt.TokenValidationParameters.ValidAlgorithms.ToList();
        if (withAuthority)
        {
            Assert.Equal("https://login.example.org/realms/collab", jwt.Authority);
            Assert.Null(jwt.TokenValidationParameters.IssuerSigningKey);
            Assert.Contains("RS256", algorithms);
            Assert.Contains("ES256", algorithms);
            Assert.DoesNotContain(algorithms, a => a.StartsWith("HS", StringComparison.Ordinal) || a == "none");
        }
        else
        {
            Assert.Null(jwt.Authority);
            Assert.NotNull(jwt.TokenValidationParameters.IssuerSigningKey);
            Assert.Equal(["HS256"], algorithms);
        }
    }

    /// <summary>Builds and starts the gateway as <c>Program</c> does and returns why it would not (or fails if it did).</summary>
    private static Task<OptionsValidationException> StartupFailureAsync(string environment, Dictionary<string, string?> settings) =>
        Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = Build(environment, settings);
            await app.StartAsync();
            await app.StopAsync();
        });

    private static WebApplication Build(string environment, Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(GatewayApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Should it start after all, it starts alone on ports of its own.
            ["Collab:Cluster:Mode"] = "Embedded",
            ["Collab:Cluster:SiloPort"] = FreePorts.Next().ToString(),
            ["Collab:Cluster:GatewayPort"] = FreePorts.Next().ToString(),
            ["Collab:Cluster:ClusterId"] = "startup-" + Guid.NewGuid().ToString("N")[..8],
            ["Collab:Storage:Mode"] = "Memory",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return GatewayApp.Build(builder);
    }
}
