using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Collab.Gateway.Realtime;

/// <summary>The named authorization policy a hub method needs, on top of the hub's own (checked when the connection is made).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HubPolicyAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}

/// <summary>
/// Checks a hub method's <see cref="HubPolicyAttribute"/> once per connection and policy, and
/// remembers the answer for the connection's life. A connection's user never changes (an expired
/// token closes it), so re-evaluating on each call, as SignalR does for <c>[Authorize]</c> on hub
/// methods, only repeated the same answer: it resolved the authorization services, combined the
/// policies and ran their requirements on every invocation, about a tenth of what a dispatcher's
/// command allocated in the gateway. A refusal is a hub error, as SignalR's own was.
/// </summary>
public sealed class HubPolicyFilter(IAuthorizationService authorization) : IHubFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, string?> Policies = new();
    private static readonly object AnswersKey = new();

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var policy = Policies.GetOrAdd(invocationContext.HubMethod, m => m.GetCustomAttribute<HubPolicyAttribute>()?.Policy);
        if (policy is null)
        {
            return next(invocationContext);
        }

        var answers = Answers(invocationContext.Context);
        return answers.TryGetValue(policy, out var allowed)
            ? allowed ? next(invocationContext) : throw Refusal(invocationContext)
            : DecideAsync(invocationContext, next, policy, answers);
    }

    private async ValueTask<object?> DecideAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next,
        string policy, ConcurrentDictionary<string, bool> answers)
    {
        var user = invocationContext.Context.User;
        var allowed = user is not null && (await authorization.AuthorizeAsync(user, invocationContext, policy)).Succeeded;
        answers[policy] = allowed;
        return allowed ? await next(invocationContext) : throw Refusal(invocationContext);
    }

    private static ConcurrentDictionary<string, bool> Answers(HubCallerContext context)
    {
        if (context.Items.TryGetValue(AnswersKey, out var held) && held is ConcurrentDictionary<string, bool> answers)
        {
            return answers;
        }

        answers = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        context.Items[AnswersKey] = answers;
        return answers;
    }

    private static HubException Refusal(HubInvocationContext invocationContext) =>
        new($"Failed to invoke '{invocationContext.HubMethodName}' because user is unauthorized");
}
