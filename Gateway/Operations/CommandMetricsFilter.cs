using Collab.Common;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Collab.Gateway.Operations;

/// <summary>
/// Counts every REST command by its endpoint name and outcome (<see cref="CollabMetrics"/>); on the command groups.
/// Exercise activity is labelled apart: the exercise endpoints, an answer that is an exercise's
/// incident, and a refusal by an exercise's incident (<see cref="Refusal"/>).
/// </summary>
public sealed class CommandMetricsFilter(CollabMetrics metrics) : IEndpointFilter
{
    /// <summary>The OpenAPI tag of the training exercises' endpoints.</summary>
    public const string ExerciseTag = "Exercises";

    /// <summary>Marks a request whose command an exercise's incident refused (the problem written never says so).</summary>
    private const string ExerciseRefusal = "collab.exercise-refusal";

    /// <summary>
    /// A command's refusal as a problem; one an exercise's incident gave (<see cref="CommandError.Exercise"/>)
    /// is counted with <c>exercise="true"</c>, without a word of it to the caller.
    /// </summary>
    public static ProblemHttpResult Refusal(HttpContext http, CommandError error)
    {
        if (error.Exercise is not null) http.Items[ExerciseRefusal] = true;
        return Problems.From(error);
    }

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
            var exercise = exerciseEndpoint || answer is IValueHttpResult { Value: IncidentResponse { Exercise: not null } }
                || context.HttpContext.Items.ContainsKey(ExerciseRefusal);
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
