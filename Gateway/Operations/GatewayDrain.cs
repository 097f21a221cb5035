using Collab.Gateway.Realtime;
using Collab.Gateway.Wire;
using Collab.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Operations;

/// <summary>
/// The gateway's drain on SIGTERM (issue 11), before any hosted service stops and while Kestrel
/// still serves (from <c>ApplicationStopping</c>, or the host's stopping phase when it is stopped
/// directly, whichever comes first): readiness fails, every hub client is told to <c>Reconnect</c> elsewhere after a
/// random delay up to <see cref="ShutdownOptions.MaxReconnectDelayMs"/> (so they do not all land on
/// the other gateways at once), new hub connections are refused, and the stop waits up to
/// <see cref="ShutdownOptions.Drain"/> for the clients to leave, no longer once none is left.
/// </summary>
public sealed partial class GatewayDrain(
    HubConnections connections,
    IHubContext<CollabHub, ICollabClient> hub,
    IOptions<ShutdownOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    CollabMetrics metrics,
    ILogger<GatewayDrain> logger) : IHostedLifecycleService
{
    /// <summary>How often the drain looks whether clients are left.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private int _draining;
    private Task? _drained;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Seconds a refused client should wait (the <c>Retry-After</c> of a refused connection).</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(options.Value.MaxReconnectDelayMs / 1000.0));

    /// <summary>A notice with this client's own delay in [0, <see cref="ShutdownOptions.MaxReconnectDelayMs"/>].</summary>
    public ReconnectNotice Notice() => new(Random.Shared.Next(0, options.Value.MaxReconnectDelayMs + 1));

    /// <summary>The host stopped directly (no signal): drain before any hosted service stops.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => DrainOnceAsync().WaitAsync(cancellationToken);

    /// <summary>
    /// On SIGTERM the host fires <c>ApplicationStopping</c> before it stops anything, and SignalR
    /// closes every connection from that token: the drain must run first. Callbacks run in reverse
    /// order of registration and SignalR registers when the hub is mapped, before the host starts;
    /// the host's stop blocks on these callbacks by design, so this one holds it for the drain.
    /// </summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => DrainOnceAsync().GetAwaiter().GetResult());
        return Task.CompletedTask;
    }

    private Task DrainOnceAsync()
    {
        lock (_gate)
        {
            if (_drained is null)
            {
                Volatile.Write(ref _draining, 1);
                _drained = Task.Run(DrainAsync);
            }

            return _drained;
        }
    }

    private async Task DrainAsync()
    {
        var started = clock.GetTimestamp();
        var told = 0;
        foreach (var id in connections.Ids.ToArray())
        {
            try
            {
                // Sends never wait on a connection (CollabHubLifetimeManager): a slow client cannot hold the drain.
                await hub.Clients.Client(id).Reconnect(Notice());
                told++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNotTold(logger, id, ex);
            }
        }

        metrics.ToldToReconnect(told);
        LogDraining(logger, told, options.Value.Drain.TotalSeconds);
        using var timeout = new CancellationTokenSource(options.Value.Drain, clock);
        try
        {
            while (connections.Count > 0)
            {
                await Task.Delay(Poll, clock, timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The bound is reached: the host closes whoever is left, and their clients reconnect on close.
        }

        LogDrained(logger, clock.GetElapsedTime(started).TotalSeconds, connections.Count);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: told {Clients} hub clients to reconnect elsewhere; waiting up to {DrainSeconds} s for them to leave")]
    private static partial void LogDraining(ILogger logger, int clients, double drainSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained after {Seconds:0.0} s; {Left} hub clients left to close")]
    private static partial void LogDrained(ILogger logger, double seconds, int left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell hub connection {ConnectionId} to reconnect")]
    private static partial void LogNotTold(ILogger logger, string connectionId, Exception exception);
}
