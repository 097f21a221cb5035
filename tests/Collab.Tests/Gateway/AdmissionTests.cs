using System.Diagnostics;
using System.Net;
using Collab.Gateway.Realtime;
using Collab.Realtime;
using Collab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Gateway;

/// <summary>
/// Admission control: a gateway whose push path is behind (its streams' undelivered batches past
/// <c>Collab:Realtime:MaxPushBacklog</c>) refuses commands explicitly, 503 with Retry-After on REST
/// and an <c>overloaded</c> error on the hub, changing nothing; once it has caught up, the retry
/// with the same key is accepted, and the subscriber sees every event once and in order.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AdmissionTests(GatewayFixture fx)
{
    private const int MaxBacklog = 2;

    [Fact]
    public async Task PastThePushBacklogCommandsAreRefusedWithRetryAfterAndNothingIsChangedUntilItCatchesUp()
    {
        var (app, url) = await fx.StartGatewayAsync(new() { ["Collab:Realtime:MaxPushBacklog"] = MaxBacklog.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        try
        {
            var police = await fx.UserAsync("police");
            using var http = new HttpClient { BaseAddress = url };
            http.DefaultRequestHeaders.Authorization = new("Bearer", police.Token);
            var id = (await (await http.PostJsonAsync("/api/incidents", Sample.Report(description: "Admission"), $"adm-{Guid.NewGuid():N}")).JsonAsync(HttpStatusCode.Created)).Str("id");
            var stream = $"incident:{id}";
            await using var live = await LiveClient.ConnectAsync(url, police.Token);
            await live.SubscribeAsync(stream, afterSeq: 0);
            Assert.Equal(1, (await live.NextAsync(stream)).Seq);

            var streams = app.Services.GetRequiredService<LiveStreams>();
            Assert.True(StreamNames.TryParse(stream, out var name));
            var followed = streams.Find(name)!;
            // The stream's delivery is stuck (as behind a slow grain read): its batches wait.
            await followed.Gate.WaitAsync();
            var released = false;
            try
            {
                var n = 0;
                while (streams.PendingBatches <= MaxBacklog)
                {
                    Assert.True(n < 10, $"{n} notes and only {streams.PendingBatches} batches waiting.");
                    (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = $"note {n}", visibility = "police" }, $"note-{id}-{n}")).EnsureSuccessStatusCode();
                    n++;
                    await UntilAsync(() => streams.PendingBatches >= Math.Min(n, MaxBacklog + 1));
                }

                Assert.True(streams.Overloaded);
                var refused = await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "refused", visibility = "police" }, $"note-{id}-late");
                await refused.ProblemAsync(HttpStatusCode.ServiceUnavailable, "overloaded");
                Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
                var hub = await Assert.ThrowsAsync<HubException>(() =>
                    live.Connection.InvokeAsync<object>("AddNote", id, new { text = "refused too", visibility = "police" }, $"hub-{id}-late"));
                Assert.StartsWith("overloaded:", hub.Message.Split("HubException: ")[^1], StringComparison.Ordinal);

                // Nothing was changed by the refusals; reads still answer.
                var view = await (await http.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
                Assert.Equal(n, view.GetProperty("notes").GetArrayLength());

                followed.Gate.Release();
                released = true;
                await UntilAsync(() => !streams.Overloaded && streams.PendingBatches == 0);

                // Caught up: the retry with the same key goes through, once.
                (await http.PostJsonAsync($"/api/incidents/{id}/notes", new { text = "refused", visibility = "police" }, $"note-{id}-late")).EnsureSuccessStatusCode();
                for (var seq = 2L; seq <= n + 2; seq++)
                {
                    Assert.Equal(seq, (await live.NextAsync(stream, TimeSpan.FromSeconds(10))).Seq);
                }

                await live.AssertQuietAsync(stream, TimeSpan.FromMilliseconds(300));
            }
            finally
            {
                if (!released)
                {
                    followed.Gate.Release();
                }
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The condition did not hold within 10 s.");
            await Task.Delay(20);
        }
    }
}
