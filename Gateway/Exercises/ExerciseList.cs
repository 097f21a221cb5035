using Collab.Exercises;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace Collab.Gateway.Exercises;

/// <summary>
/// <c>GET /api/exercises</c>: the city's exercises, newest started first, for trainees to pick one
/// to follow; <c>?status=</c> one or more of running, paused, stopped, completed (comma-separated
/// or repeated), <c>?limit=</c> 1 to <see cref="IExerciseRegistryGrain.Capacity"/> (default
/// <see cref="DefaultLimit"/>). Purged exercises are not listed.
/// </summary>
public static class ExerciseList
{
    public const int DefaultLimit = 50;

    private const string Listed = "running, paused, stopped, completed";

    public static async Task<Results<Ok<List<ExerciseSummaryDto>>, ProblemHttpResult>> ListExercises(HttpRequest http, IGrainFactory grains)
    {
        var (statuses, badStatus) = Statuses(http.Query["status"]);
        if (badStatus is not null) return badStatus;
        var (limit, badLimit) = Limit(http.Query["limit"]);
        if (badLimit is not null) return badLimit;

        var listed = await grains.GetGrain<IExerciseRegistryGrain>(IExerciseRegistryGrain.Key).ListAsync(statuses!, limit);
        return TypedResults.Ok(listed.Select(ExerciseSummaryDto.From).ToList());
    }

    private static (IReadOnlyList<ExerciseStatus>?, ProblemHttpResult?) Statuses(StringValues given)
    {
        var statuses = new List<ExerciseStatus>();
        foreach (var value in given.SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim()))
        {
            if (value == "purged")
            {
                return (null, Problems.Invalid("status-invalid", $"Purged exercises are not listed; 'status' may be {Listed}."));
            }

            if (!WireFormat.TryParse<ExerciseStatus>(value, out var status))
            {
                return (null, Problems.Invalid("status-invalid", $"'status' must be one or more of {Listed} (comma-separated); \"{Shown(value)}\" is none of them."));
            }

            if (!statuses.Contains(status)) statuses.Add(status);
        }

        return (statuses, null);
    }

    private static (int, ProblemHttpResult?) Limit(StringValues given)
    {
        if (given.Count == 0) return (DefaultLimit, null);
        var max = IExerciseRegistryGrain.Capacity;
        return given.Count == 1 && int.TryParse(given[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit)
            && limit is >= 1 && limit <= max
            ? (limit, null)
            : (0, Problems.Invalid("limit-invalid", $"'limit' must be one whole number from 1 to {max} (default {DefaultLimit})."));
    }

    /// <summary>A caller's value as the detail quotes it: short, and only printable.</summary>
    private static string Shown(string value)
    {
        var printable = new string(value.Where(c => !char.IsControl(c)).Take(40).ToArray());
        return value.Length > 40 ? printable + "…" : printable;
    }
}
