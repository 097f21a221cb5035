using System.Net;
using System.Text.Json;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.Gateway;

/// <summary>What reaches the log when hub calls are refused or fail: a client's mistake is not a server error.</summary>
[Collection(GatewayCollection.Name)]
public sealed class HubLoggingTests(GatewayFixture fx)
{
    [Fact]
    public async Task RefusedHubCallsLogOneDebugLineAndNoWarningOrError()
    {
        var logs = new CapturingLoggerProvider();
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Security:HubInvocationsPerWindow"] = "9" }, b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddFilter("Collab", LogLevel.Trace);
            b.Logging.AddFilter("Microsoft.AspNetCore.SignalR", LogLevel.Trace);
            b.Logging.AddProvider(logs);
        });
        try
        {
            var police = await fx.UserAsync("police");
            using var http = new HttpClient { BaseAddress = url };
            http.DefaultRequestHeaders.Authorization = new("Bearer", police.Token);
            var id = (await (await http.PostJsonAsync("/api/incidents", Sample.Report())).JsonAsync(HttpStatusCode.Created)).Str("id");
            await using var client = await LiveClient.ConnectAsync(url, police.Token);
            var before = logs.Lines.Count;

            await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("incident:not-an-id"));
            await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("neighbourhood:atlantis"));
            await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("me"));
            await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync($"incident:{id}", -1));
            await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<JsonElement>("ChangeStatus", id, new { status = "teleported" }, null));
            await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<JsonElement>("Assign", id, null, null));
            // Over the per-user limit: refused by the rate-limit filter.
            for (var i = 0; i < 3; i++)
            {
                await client.SubscribeAsync("neighbourhood:centrum");
            }

            var limited = await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("neighbourhood:centrum"));
            Assert.Contains("Too many", limited.Message);

            var lines = logs.Lines.Skip(before).ToList();
            Assert.DoesNotContain(lines, line => line.StartsWith("Warning ", StringComparison.Ordinal) || line.StartsWith("Error ", StringComparison.Ordinal)
                || line.StartsWith("Critical ", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.Contains("   at ", StringComparison.Ordinal));
            var refusals = lines.Where(line => line.StartsWith("Debug Collab.Gateway", StringComparison.Ordinal) && line.Contains("refused", StringComparison.Ordinal)).ToList();
            Assert.Equal(7, refusals.Count);
            Assert.Contains(refusals, line => line.Contains("'Subscribe'", StringComparison.Ordinal));
            Assert.Contains(refusals, line => line.Contains("'ChangeStatus'", StringComparison.Ordinal) && line.Contains("unknown-status", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.Contains(police.Sub, StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task AGenuineFailureInAHubCallIsLoggedOnceAtErrorWithItsMethod()
    {
        var logs = new CapturingLoggerProvider();
        var (app, url) = await fx.StartGatewayAsync(configure: b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(logs);
            // Innermost filter (added after the gateway's own): a server fault, not a refusal.
            b.Services.PostConfigure<HubOptions>(o => o.AddFilter(new FaultingFilter()));
        });
        try
        {
            var citizen = await fx.UserAsync("citizen");
            await using var client = await LiveClient.ConnectAsync(url, citizen.Token);
            var before = logs.Lines.Count;

            var error = await Assert.ThrowsAsync<HubException>(() => client.UnsubscribeAsync(FaultingFilter.Trigger));
            Assert.DoesNotContain(FaultingFilter.Secret, error.Message);

            var errors = logs.Lines.Skip(before).Where(line => line.StartsWith("Error ", StringComparison.Ordinal)).ToList();
            var only = Assert.Single(errors);
            Assert.Contains("'Unsubscribe'", only);
            Assert.Contains(FaultingFilter.Secret, only);
            Assert.DoesNotContain(citizen.Sub, only);

            // The connection survives and works.
            await client.SubscribeAsync("me");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class FaultingFilter : IHubFilter
    {
        public const string Trigger = "fault-please";
        public const string Secret = "simulated fault 7f3a";

        public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next) =>
            invocationContext.HubMethodArguments is [Trigger, ..]
                ? throw new InvalidOperationException(Secret)
                : next(invocationContext);
    }
}
