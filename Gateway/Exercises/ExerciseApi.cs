using System.Text;
using Collab.Common;
using Collab.Exercises;
using Collab.Gateway.Auth;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collab.Gateway.Exercises;

/// <summary>
/// Training exercises: trainers (police with the trainer claim) start one from a scenario, pause,
/// resume and stop it, read its debrief (JSON, CSV) and purge what it created; trainees (police,
/// council) read it, with the injects played so far.
/// </summary>
public static class ExerciseApi
{
    public static IEndpointRouteBuilder MapExerciseApi(this IEndpointRouteBuilder app)
    {
        // Trainees read an exercise; policies on nested groups add up, so trainers' endpoints are a group apart.
        app.MapGroup("/api/exercises").WithTags("Exercises").RequireAuthorization(Roles.Authorities)
            .MapGet("/{id}", GetExercise).WithName("GetExercise");
        var exercises = app.MapGroup("/api/exercises").WithTags("Exercises").RequireAuthorization(Roles.Trainers);
        exercises.MapGet("/{id}/debrief", GetDebrief).WithName("GetDebrief");
        exercises.MapGet("/{id}/debrief.csv", GetDebriefCsv).WithName("GetDebriefCsv").Produces<string>(StatusCodes.Status200OK, "text/csv");
        exercises.MapGet("/{id}/responses.csv", GetResponsesCsv).WithName("GetResponsesCsv").Produces<string>(StatusCodes.Status200OK, "text/csv");

        var commands = exercises.MapCommandGroup();
        commands.MapPost("/", StartExercise).WithName("StartExercise");
        commands.MapPost("/{id}/pause", Act((e, a) => e.PauseAsync(a))).WithName("PauseExercise");
        commands.MapPost("/{id}/resume", Act((e, a) => e.ResumeAsync(a))).WithName("ResumeExercise");
        commands.MapPost("/{id}/stop", Act((e, a) => e.StopAsync(a))).WithName("StopExercise");
        commands.MapDelete("/{id}", Act((e, a) => e.PurgeAsync(a))).WithName("PurgeExercise");
        return app;
    }

    private static async Task<Results<Created<ExerciseResponse>, ProblemHttpResult>> StartExercise(
        StartExerciseRequest? request, Caller caller, IGrainFactory grains,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey)
    {
        if (IdempotencyKeys.Check(idempotencyKey) is { } badKey) return Problems.From(badKey);
        if (request?.Scenario is not { } document) return Problems.Invalid("scenario-invalid", "'scenario' is required: { name, steps }.");
        var (scenario, problem) = ScenarioReader.Read(document);
        if (problem is not null) return Problems.Invalid("scenario-invalid", problem);

        var id = IdempotencyKeys.DerivedId("exercise", caller.Actor, idempotencyKey);
        var outcome = await grains.GetGrain<IExerciseGrain>(id).StartAsync(caller.Actor, scenario!, request.Speed ?? 1);
        if (outcome.Error is { } error) return Problems.From(error);
        return TypedResults.Created($"/api/exercises/{id}", ExerciseResponse.From(outcome.Value!));
    }

    private static Delegate Act(Func<IExerciseGrain, Actor, Task<Outcome<ExerciseView>>> act) =>
        async Task<Results<Ok<ExerciseResponse>, ProblemHttpResult>> (string id, Caller caller, IGrainFactory grains) =>
        {
            if (!WireFormat.TryParseId(id, out var key)) return Unknown();
            var outcome = await act(grains.GetGrain<IExerciseGrain>(key), caller.Actor);
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
