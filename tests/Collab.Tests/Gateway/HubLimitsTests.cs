using System.Net;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Collab.Tests.Gateway;

/// <summary>Caps on what one client may hold open on a gateway: subscriptions per connection, connections per user.</summary>
[Collection(GatewayCollection.Name)]
public sealed class HubLimitsTests(GatewayFixture fx)
{
    [Fact]
    public async Task AConnectionFollowsAtMostTheCappedNumberOfStreamsAndAnUnsubscribeFreesASlot()
    {
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Realtime:MaxSubscriptionsPerConnection"] = "3" });
        try
        {
            var citizen = await fx.UserAsync("citizen");
            await using var client = await LiveClient.ConnectAsync(url, citizen.Token);
            await client.SubscribeAsync("me");
            await client.SubscribeAsync("city");
            await client.SubscribeAsync("neighbourhood:centrum");

            // Following a stream again (a resume) takes no second slot.
            await client.SubscribeAsync("neighbourhood:centrum", afterSeq: 0);
            await client.SubscribeAsync("me");

            var refused = await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("neighbourhood:havenkwartier"));
            Assert.Contains("too-many-subscriptions: ", refused.Message, StringComparison.Ordinal);
            Assert.Contains("3", refused.Message, StringComparison.Ordinal);

            // The cap is per connection: the same user's other connection has its own.
            await using (var second = await LiveClient.ConnectAsync(url, citizen.Token))
            {
                await second.SubscribeAsync("neighbourhood:havenkwartier");
            }

            await client.UnsubscribeAsync("city");
            Assert.Equal("public", (await client.SubscribeAsync("neighbourhood:havenkwartier")).Audience);
            await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("city"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task AUserOpensAtMostTheCappedNumberOfConnectionsAndClosingOneFreesASlot()
    {
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Security:MaxConnectionsPerUser"] = "2" });
        try
        {
            var citizen = await fx.UserAsync("citizen");
            var neighbour = await fx.UserAsync("citizen");
            await using var first = await LiveClient.ConnectAsync(url, citizen.Token);
            await using var second = await LiveClient.ConnectAsync(url, citizen.Token);

            var refused = await RefusedAsync(url, citizen.Token);
            Assert.Contains("too-many-connections: ", refused, StringComparison.Ordinal);

            // The user's open connections keep working, and other users are unaffected.
            await first.SubscribeAsync("me");
            await second.SubscribeAsync("city");
            await using (var other = await LiveClient.ConnectAsync(url, neighbour.Token))
            {
                await other.SubscribeAsync("me");
            }

            // Closing one frees its slot (the server learns of the close a moment later).
            await second.DisposeAsync();
            await using var third = await ConnectWhenFreeAsync(url, citizen.Token);
            await third.SubscribeAsync("me");
            Assert.Contains("too-many-connections: ", await RefusedAsync(url, citizen.Token), StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task AUserOpeningHubConnectionsInAFloodIsLimitedWhileOthersAreNot()
    {
        // Negotiating costs the server a pending connection whether or not the client ever connects.
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Security:HubConnectsPerWindow"] = "3" });
        try
        {
            var flooder = await fx.UserAsync("citizen");
            var neighbour = await fx.UserAsync("citizen");
            using var http = new HttpClient { BaseAddress = url };
            http.DefaultRequestHeaders.Authorization = new("Bearer", flooder.Token);
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/hubs/collab/negotiate?negotiateVersion=1", null)).StatusCode);
            }

            await using var open = await LiveClient.ConnectAsync(url, flooder.Token);
            var limited = await http.PostAsync("/hubs/collab/negotiate?negotiateVersion=1", null);
            await limited.ProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
            Assert.True(limited.Headers.RetryAfter is not null);
            await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(url, flooder.Token));

            // The open connection keeps working; another user connects.
            await open.SubscribeAsync("me");
            await using var other = await LiveClient.ConnectAsync(url, neighbour.Token);
            await other.SubscribeAsync("me");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Opens a connection expected to be refused; the reason the server closed it with.</summary>
    private static async Task<string> RefusedAsync(Uri url, string token)
    {
        var connection = Build(url, token);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
            var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(error);
            return error.Message;
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            return ex.Message;
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task<LiveClient> ConnectWhenFreeAsync(Uri url, string token)
    {
        for (var attempt = 0; ; attempt++)
        {
            var client = await LiveClient.ConnectAsync(url, token);
            try
            {
                await client.SubscribeAsync("me");
                return client;
            }
            catch (Exception) when (attempt < 20)
            {
                await client.DisposeAsync();
                await Task.Delay(100);
            }
        }
    }

    private static HubConnection Build(Uri url, string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(url, "/hubs/collab"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
}
