using System.Globalization;
using System.Text;
using System.Text.Json;
using Collab.Exercises;

namespace Collab.Gateway.Wire;

/// <summary><c>POST /api/exercises</c>: the scenario document and the speed (scenario seconds per second; 1 when absent).</summary>
public sealed record StartExerciseRequest(JsonElement? Scenario, double? Speed);

/// <summary>An exercise: its clock, steps played, incidents (the scenario's references → ids), the injects played so far, steps refused, its alerts' ids, and the trainer who controls it.</summary>
public sealed record ExerciseResponse(
    string Id, string Name, string Status, double Speed, int StepsPlayed, int StepsTotal, double ScenarioSeconds, string StartedAt,
    IReadOnlyDictionary<string, string> Incidents, IReadOnlyList<ExerciseInjectDto> Injects, IReadOnlyList<string> Problems, IReadOnlyList<string> Alerts, string? StartedBy)
{
    public static ExerciseResponse From(ExerciseView v) => new(
        v.Id, v.Name, v.Status.ToString().ToLowerInvariant(), v.Speed, v.StepsPlayed, v.StepsTotal, v.ScenarioSeconds, WireFormat.Time(v.StartedAt),
        v.Incidents, v.Injects.Select(i => new ExerciseInjectDto(i.At, WireFormat.Time(i.PlayedAt), i.Text)).ToList(), v.Problems, v.Alerts ?? [], v.StartedBy);
}

/// <summary>An exercise in the city's list (<c>GET /api/exercises</c>): where it stands, who started it and when, its progress and speed.</summary>
public sealed record ExerciseSummaryDto(string Id, string Name, string Status, string? StartedBy, string StartedAt, int StepsPlayed, int StepsTotal, double Speed)
{
    public static ExerciseSummaryDto From(ExerciseSummary e) => new(
        e.Id, e.Name, WireFormat.Name(e.Status), e.StartedBy, WireFormat.Time(e.StartedAt), e.StepsPlayed, e.StepsTotal, e.Speed);
}

/// <summary>A message for the trainees: its scenario time, when it was played, its text.</summary>
public sealed record ExerciseInjectDto(double At, string PlayedAt, string Text);

/// <summary>The debrief: the exercise, its whole timeline, and each incident's response times.</summary>
public sealed record DebriefResponse(ExerciseResponse Exercise, IReadOnlyList<DebriefEntryDto> Timeline, IReadOnlyList<DebriefIncidentDto> Incidents)
{
    public static DebriefResponse From(ExerciseDebrief d) => new(
        ExerciseResponse.From(d.Exercise), d.Timeline.Select(DebriefEntryDto.From).ToList(), d.Incidents.Select(DebriefIncidentDto.From).ToList());
}

/// <summary>One entry of the debrief's timeline: when, what, on which incident, by whom.</summary>
public sealed record DebriefEntryDto(string At, string Type, string? IncidentRef, string? IncidentId, string ActorRole, string? ActorName, string? Detail)
{
    public static DebriefEntryDto From(DebriefEntry e) => new(
        WireFormat.Time(e.At), e.Type, e.IncidentRef, e.IncidentId, WireFormat.Name(e.ActorRole), e.ActorName, e.Detail);
}

/// <summary>An incident's response: reported → acknowledged → dispatched → resolved, each with who and the seconds since the report.</summary>
public sealed record DebriefIncidentDto(
    string Ref, string IncidentId, string ReportedAt,
    string? AcknowledgedAt, string? AcknowledgedBy, double? SecondsToAcknowledge,
    string? DispatchedAt, string? DispatchedBy, double? SecondsToDispatch,
    string? ResolvedAt, string? ResolvedBy, double? SecondsToResolve)
{
    public static DebriefIncidentDto From(DebriefIncident i) => new(
        i.Ref, i.IncidentId, WireFormat.Time(i.ReportedAt),
        Time(i.AcknowledgedAt), i.AcknowledgedBy, Seconds(i.ReportedAt, i.AcknowledgedAt),
        Time(i.DispatchedAt), i.DispatchedBy, Seconds(i.ReportedAt, i.DispatchedAt),
        Time(i.ResolvedAt), i.ResolvedBy, Seconds(i.ReportedAt, i.ResolvedAt));

    private static string? Time(DateTimeOffset? t) => t is { } at ? WireFormat.Time(at) : null;

    private static double? Seconds(DateTimeOffset from, DateTimeOffset? to) => to is { } t ? Math.Round((t - from).TotalSeconds, 3) : null;
}

/// <summary>The debrief as CSV (RFC 4180: CRLF lines, fields quoted where they hold a comma, quote or line break).</summary>
public static class DebriefCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static string Timeline(DebriefResponse d) => Write(
        ["at", "type", "incidentRef", "incidentId", "actorRole", "actorName", "detail"],
        d.Timeline.Select(e => new[] { e.At, e.Type, e.IncidentRef, e.IncidentId, e.ActorRole, e.ActorName, e.Detail }));

    public static string Responses(DebriefResponse d) => Write(
        ["ref", "incidentId", "reportedAt", "acknowledgedAt", "acknowledgedBy", "secondsToAcknowledge", "dispatchedAt", "dispatchedBy", "secondsToDispatch", "resolvedAt", "resolvedBy", "secondsToResolve"],
        d.Incidents.Select(i => new[]
        {
            i.Ref, i.IncidentId, i.ReportedAt, i.AcknowledgedAt, i.AcknowledgedBy, Number(i.SecondsToAcknowledge),
            i.DispatchedAt, i.DispatchedBy, Number(i.SecondsToDispatch), i.ResolvedAt, i.ResolvedBy, Number(i.SecondsToResolve),
        }));

    private static string? Number(double? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string Write(string[] header, IEnumerable<string?[]> rows)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', header)).Append("\r\n");
        foreach (var row in rows)
        {
            csv.Append(string.Join(',', row.Select(Field))).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Field(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
