using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.Metadata;

namespace Collab.Gateway.Operations;

/// <summary>Counts every REST command by its endpoint name and outcome (<see cref="CollabMetrics"/>); on the command groups.</summary>
public sealed class CommandMetricsFilter(CollabMetrics metrics) : IEndpointFilter
{
    /// <summary>The OpenAPI tag of the training exercises' endpoints.</summary>
    public const string ExerciseTag = "Exercises";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var endpoint = context.HttpContext.GetEndpoint();
        var command = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "unnamed";
        // The exercise endpoints are all exercise activity; another command is when it answers an exercise's incident.
        var exerciseEndpoint = endpoint?.Metadata.GetMetadata<ITagsMetadata>()?.Tags.Contains(ExerciseTag) == true;
        try
        {
            var result = await next(context);
            var answer = result is INestedHttpResult nested ? nested.Result : result;
            var status = answer is IStatusCodeHttpResult { StatusCode: { } code }
                ? code
                : context.HttpContext.Response.StatusCode;
            var exercise = exerciseEndpoint || answer is IValueHttpResult { Value: IncidentResponse { Exercise: not null } };
            metrics.Command(command, CommandChannels.Rest, CommandOutcomes.Of(status), exercise);
            return result;
        }
        catch
        {
            metrics.Command(command, CommandChannels.Rest, CommandOutcomes.Failed, exerciseEndpoint);
            throw;
        }
    }
}
