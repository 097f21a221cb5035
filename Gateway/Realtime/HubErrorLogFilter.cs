using Microsoft.AspNetCore.SignalR;

namespace Collab.Gateway.Realtime;

/// <summary>
/// The one place the outcome of a failed hub call (or connect, or disconnect) is logged. A
/// refusal, a <see cref="HubException"/> (unknown stream, not allowed, rate-limited, an invalid
/// command, a cap), is the client's mistake: one Debug line, no stack trace. Anything else is a
/// server fault: Error, once, with the method. SignalR logs both kinds at Error with a stack
/// trace, and at Debug prints each invocation's arguments (people's reports), so
/// <see cref="HoldBackFrameworkLogs"/> keeps its dispatcher to warnings; this filter is
/// registered first, to see what every other filter throws.
/// </summary>
public sealed partial class HubErrorLogFilter(ILogger<HubErrorLogFilter> logger) : IHubFilter
{
    /// <summary>How much of a refusal's message its Debug line keeps.</summary>
    private const int MaxLoggedReason = 200;

    /// <summary>SignalR's categories whose failure lines this filter replaces (their only Error events are those).</summary>
    private static readonly string[] FrameworkCategories =
    [
        "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher",
        "Microsoft.AspNetCore.SignalR.HubConnectionHandler",
    ];

    /// <summary>Lets only the framework's warnings through for those categories: no duplicated errors, no arguments.</summary>
    public static ILoggingBuilder HoldBackFrameworkLogs(ILoggingBuilder logging)
    {
        foreach (var category in FrameworkCategories)
        {
            logging.AddFilter(category, level => level == LogLevel.Warning);
        }

        return logging;
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception ex)
        {
            Log(ex, invocationContext.HubMethodName);
            throw;
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            Log(ex, nameof(OnConnectedAsync));
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        catch (Exception ex)
        {
            Log(ex, nameof(OnDisconnectedAsync));
            throw;
        }
    }

    private void Log(Exception exception, string method)
    {
        if (exception is HubException refusal)
        {
            // A refusal may quote the client's input (up to a hub message's size): a line, not a page.
            LogRefused(logger, method, refusal.Message.Length > MaxLoggedReason ? refusal.Message[..MaxLoggedReason] + "…" : refusal.Message);
        }
        else
        {
            LogFailed(logger, exception, method);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Hub call '{HubMethod}' refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string hubMethod, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub call '{HubMethod}' failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string hubMethod);
}
