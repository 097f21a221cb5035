using System.Threading.RateLimiting;
using Collab.Gateway.Auth;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Security;

/// <summary>Per-user limit on hub invocations: past it, the invocation fails with a hub error and nothing runs.</summary>
public sealed class HubRateLimitFilter : IHubFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public HubRateLimitFilter(IOptions<SecurityOptions> options)
    {
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetFixedWindowLimiter(
            user,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.HubInvocationsPerWindow, Window = limits.Window, QueueLimit = 0 }));
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        // The caller is read once per connection (Caller.From remembers it); a connection without one cannot get here.
        var user = Caller.From(invocationContext.Context.User)?.UserId ?? invocationContext.Context.ConnectionId;
        using var lease = _limiter.AttemptAcquire(user);
        if (!lease.IsAcquired)
        {
            throw new HubException("Too many requests; slow down and retry later.");
        }

        return await next(invocationContext);
    }

    public void Dispose() => _limiter.Dispose();
}
