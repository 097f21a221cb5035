namespace Collab.Gateway.Operations;

/// <summary>Counts every REST command by its endpoint name and outcome (<see cref="CollabMetrics"/>); on the command groups.</summary>
public sealed class CommandMetricsFilter(CollabMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var command = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "unnamed";
        try
        {
            var result = await next(context);
            var status = (result is INestedHttpResult nested ? nested.Result : result) is IStatusCodeHttpResult { StatusCode: { } code }
                ? code
                : context.HttpContext.Response.StatusCode;
            metrics.Command(command, CommandChannels.Rest, CommandOutcomes.Of(status));
            return result;
        }
        catch
        {
            metrics.Command(command, CommandChannels.Rest, CommandOutcomes.Failed);
            throw;
        }
    }
}
