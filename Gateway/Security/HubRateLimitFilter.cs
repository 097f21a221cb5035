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

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        // The caller is read once per connection (Caller.From remembers it); a connection without one cannot get here.
        var user = Caller.From(invocationContext.Context.User)?.UserId ?? invocationContext.Context.ConnectionId;
        // A fixed window's permits come back with the window, not with the lease: it is let go at
        // once, so the invocation is passed on as it is, with no state machine around it.
        using (var lease = _limiter.AttemptAcquire(user))
        {
            if (!lease.IsAcquired)
            {
                throw new HubException("Too many requests; slow down and retry later.");
            }
        }

        return next(invocationContext);
    }

    public void Dispose() => _limiter.Dispose();
}
