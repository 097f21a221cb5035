using Collab.Gateway.Realtime;
using Collab.Gateway.Wire;

namespace Collab.Gateway.Operations;

/// <summary>
/// Admission control on the command groups: while the push path is further behind than
/// <see cref="GatewayRealtimeOptions.MaxPushBacklog"/> (<see cref="LiveStreams.Overloaded"/>), a
/// command is refused with <c>503</c> and <c>Retry-After</c> before it changes anything, so a
/// gateway that cannot keep up sheds load explicitly instead of queueing seconds of deliveries.
/// Clients retry with the same <c>Idempotency-Key</c>. Reads and subscriptions are not refused.
/// </summary>
public sealed class AdmissionFilter(LiveStreams streams, CollabMetrics metrics) : IEndpointFilter
{
    /// <summary>Seconds a refused client waits before its retry: a backlog drains in about that.</summary>
    public const int RetryAfterSeconds = 1;

    public const string Code = "overloaded";

    public const string Detail = "The live push is behind; nothing was changed. Retry with the same Idempotency-Key.";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!streams.Overloaded)
        {
            return next(context);
        }

        metrics.Shed(CommandChannels.Rest);
        context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ValueTask.FromResult<object?>(Problems.Problem(StatusCodes.Status503ServiceUnavailable, Code, Detail));
    }
}
