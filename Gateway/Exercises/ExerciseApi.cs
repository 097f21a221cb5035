using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Collab.Common;
using Collab.Exercises;
using Collab.Gateway.Auth;
using Collab.Gateway.Operations;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Exercises;

/// <summary>
/// Training exercises: trainers (police with the trainer claim) start one from a scenario, pause,
/// resume and stop it, read its debrief (JSON, CSV) and purge what it created; trainees (police,
/// council) list the city's exercises (<see cref="ExerciseList"/>) and read one, with the injects played so far.
/// </summary>
public static class ExerciseApi
{
    public static IEndpointRouteBuilder MapExerciseApi(this IEndpointRouteBuilder app)
    {
        // Trainees list and read exercises; policies on nested groups add up, so trainers' endpoints are a group apart.
        var trainees = app.MapGroup("/api/exercises").WithTags(CommandMetricsFilter.ExerciseTag).RequireAuthorization(Roles.Authorities);
        trainees.MapGet("/", ExerciseList.ListExercises).WithName("ListExercises");
        trainees.MapGet("/{id}", GetExercise).WithName("GetExercise");
        var exercises = app.MapGroup("/api/exercises").WithTags(CommandMetricsFilter.ExerciseTag).RequireAuthorization(Roles.Trainers);
        exercises.MapGet("/{id}/debrief", GetDebrief).WithName("GetDebrief");
        exercises.MapGet("/{id}/debrief.csv", GetDebriefCsv).WithName("GetDebriefCsv").Produces<string>(StatusCodes.Status200OK, "text/csv");
        exercises.MapGet("/{id}/responses.csv", GetResponsesCsv).WithName("GetResponsesCsv").Produces<string>(StatusCodes.Status200OK, "text/csv");

        var commands = exercises.MapCommandGroup();
        // The handler reads its body itself: JSON, or a YAML scenario (no Accepts metadata, which would pick one).
        commands.MapPost("/", StartExercise).WithName("StartExercise");
        commands.MapPost("/{id}/pause", Act((e, a, s) => e.PauseAsync(a, s))).WithName("PauseExercise");
        commands.MapPost("/{id}/resume", Act((e, a, s) => e.ResumeAsync(a, s))).WithName("ResumeExercise");
        commands.MapPost("/{id}/stop", Act((e, a, s) => e.StopAsync(a, s))).WithName("StopExercise");
        commands.MapDelete("/{id}", Act((e, a, s) => e.PurgeAsync(a, s))).WithName("PurgeExercise");
        return app;
    }

    /// <summary>
    /// Starts an exercise from a JSON request (<c>{ scenario, speed }</c>) or, posted as YAML
    /// (<see cref="ScenarioYaml.MediaTypes"/>), from the scenario document itself with the speed in
    /// <c>?speed=</c>. Both go through the same checks and fail with the same <c>scenario-invalid</c>.
    /// </summary>
    private static async Task<Results<Created<ExerciseResponse>, ProblemHttpResult>> StartExercise(
        HttpRequest http, Caller caller, IGrainFactory grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (IdempotencyKeys.Check(idempotencyKey) is { } badKey) return Problems.From(badKey);
        var (document, speed, bad) = ScenarioYaml.IsYaml(http.ContentType)
            ? await ReadYamlAsync(http)
            : await ReadJsonAsync(http, json.Value.SerializerOptions);
        if (bad is not null) return bad;
        if (document is not { } given) return Problems.Invalid("scenario-invalid", "'scenario' is required: { name, steps }.");
        var (scenario, problem) = ScenarioReader.Read(given);
        if (problem is not null) return Problems.Invalid("scenario-invalid", problem);

        var id = IdempotencyKeys.DerivedId("exercise", caller.Actor, idempotencyKey);
        var outcome = await grains.GetGrain<IExerciseGrain>(id).StartAsync(caller.Actor, scenario!, speed ?? 1);
        if (outcome.Error is { } error) return Problems.From(error);
        return TypedResults.Created($"/api/exercises/{id}", ExerciseResponse.From(outcome.Value!));
    }

    private static async Task<(JsonElement?, double?, ProblemHttpResult?)> ReadJsonAsync(HttpRequest http, JsonSerializerOptions options)
    {
        if (http.ContentLength == 0)
        {
            // No body at all: no scenario (the caller is told what to send).
            return (null, null, null);
        }

        if (!http.HasJsonContentType())
        {
            return (null, null, Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                $"Post the request as application/json, or the scenario as YAML ({string.Join(", ", ScenarioYaml.MediaTypes)})."));
        }

        StartExerciseRequest? request;
        try
        {
            request = await http.ReadFromJsonAsync<StartExerciseRequest>(options, http.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            // As the framework's own binding does: the exception handler answers malformed-request.
            throw new BadHttpRequestException($"Failed to read the request body as JSON: {e.Message}", StatusCodes.Status400BadRequest, e);
        }

        return (request?.Scenario, request?.Speed, null);
    }

    private static async Task<(JsonElement?, double?, ProblemHttpResult?)> ReadYamlAsync(HttpRequest http)
    {
        double? speed = null;
        if (http.Query.TryGetValue("speed", out var given))
        {
            if (given.Count != 1 || !double.TryParse(given[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s))
            {
                return (null, null, Problems.Invalid("scenario-invalid", "'speed' must be one number (scenario seconds per second)."));
            }

            speed = s;
        }

        using var reader = new StreamReader(http.Body, Encoding.UTF8);
        var (document, problem) = ScenarioYaml.Read(await reader.ReadToEndAsync(http.HttpContext.RequestAborted));
        return problem is null ? (document, speed, null) : (null, null, Problems.Invalid("scenario-invalid", problem));
    }

    /// <summary>A trainer's control of an exercise: theirs, or any with the supervisor claim (the grain refuses the rest, exercise-not-yours).</summary>
    private static Delegate Act(Func<IExerciseGrain, Actor, bool, Task<Outcome<ExerciseView>>> act) =>
        async Task<Results<Ok<ExerciseResponse>, ProblemHttpResult>> (string id, Caller caller, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            if (!WireFormat.TryParseId(id, out var key)) return Unknown();
            var outcome = await act(grains.GetGrain<IExerciseGrain>(key), caller.Actor, Roles.IsSupervisor(user));
            return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(ExerciseResponse.From(outcome.Value!));
        };

    private static async Task<Results<Ok<ExerciseResponse>, ProblemHttpResult>> GetExercise(string id, IGrainFactory grains)
    {
        if (!WireFormat.TryParseId(id, out var key)) return Unknown();
        var outcome = await grains.GetGrain<IExerciseGrain>(key).GetAsync();
        return outcome.Error is { } error ? Problems.From(error) : TypedResults.Ok(ExerciseResponse.From(outcome.Value!));
    }

    private static async Task<Results<Ok<DebriefResponse>, ProblemHttpResult>> GetDebrief(string id, IGrainFactory grains) =>
        await DebriefAsync(id, grains) is { } debrief ? TypedResults.Ok(debrief) : Unknown();

    private static async Task<IResult> GetDebriefCsv(string id, IGrainFactory grains) =>
        await DebriefAsync(id, grains) is { } debrief ? Csv(DebriefCsv.Timeline(debrief)) : Unknown();

    private static async Task<IResult> GetResponsesCsv(string id, IGrainFactory grains) =>
        await DebriefAsync(id, grains) is { } debrief ? Csv(DebriefCsv.Responses(debrief)) : Unknown();

    private static async Task<DebriefResponse?> DebriefAsync(string id, IGrainFactory grains)
    {
        if (!WireFormat.TryParseId(id, out var key)) return null;
        var outcome = await grains.GetGrain<IExerciseGrain>(key).DebriefAsync();
        return outcome.Value is { } debrief ? DebriefResponse.From(debrief) : null;
    }

    private static IResult Csv(string csv) => TypedResults.Text(csv, DebriefCsv.ContentType, Encoding.UTF8);

    private static ProblemHttpResult Unknown() => Problems.NotFound("exercise-not-found", "No such exercise.");
}
