using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Exercises;

/// <summary>
/// An exercise's debrief: its own entries (the trainer's acts, injects, refused steps) and every
/// event of its incidents as police see them (who did what, by name where the token had one), in
/// time order; and, per incident, when it was first acknowledged, dispatched and resolved, and by whom.
/// </summary>
internal static class ExerciseDebriefs
{
    private const int Page = 500;

    public static async Task<(IReadOnlyList<DebriefEntry> Timeline, IReadOnlyList<DebriefIncident> Incidents)> ReadAsync(IGrainFactory grains, ExerciseState state)
    {
        var timeline = new List<DebriefEntry>(state.Log);
        var incidents = new List<DebriefIncident>();
        foreach (var (reference, id) in state.Incidents)
        {
            var events = await EventsAsync(grains.GetGrain<IIncidentGrain>(id));
            timeline.AddRange(events.Select(e => Entry(reference, id, e)));
            if (events.FirstOrDefault(e => e.Type == EventTypes.IncidentReported) is { } reported)
            {
                var acknowledged = FirstTo(events, IncidentStatus.Acknowledged);
                var dispatched = FirstTo(events, IncidentStatus.Dispatched);
                var resolved = FirstTo(events, IncidentStatus.Resolved);
                incidents.Add(new DebriefIncident(reference, id, reported.OccurredAt,
                    acknowledged?.OccurredAt, Who(acknowledged), dispatched?.OccurredAt, Who(dispatched), resolved?.OccurredAt, Who(resolved)));
            }
        }

        return (timeline.OrderBy(e => e.At).ToList(), incidents.OrderBy(i => i.ReportedAt).ToList());
    }

    private static async Task<List<StreamEvent>> EventsAsync(IIncidentGrain incident)
    {
        var events = new List<StreamEvent>();
        var after = 0L;
        while (true)
        {
            var page = await incident.ReadAsync(Audience.Police, after, Page);
            if (!page.Found || page.Events.Count == 0) return events;
            events.AddRange(page.Events);
            after = page.Events[^1].Seq;
            if (after >= page.Head) return events;
        }
    }

    /// <summary>The first move to <paramref name="status"/>, or the first past it when a step was skipped (dispatched straight away counts as acknowledged then).</summary>
    private static StreamEvent? FirstTo(List<StreamEvent> events, IncidentStatus status) =>
        events.FirstOrDefault(e => e.Data is StatusChangedData changed && changed.To == status)
        ?? events.FirstOrDefault(e => e.Data is StatusChangedData changed && changed.To > status && changed.To <= IncidentStatus.Closed);

    private static string? Who(StreamEvent? e) => e is null ? null : e.Actor.Name ?? e.Actor.Role.ToString().ToLowerInvariant();

    private static DebriefEntry Entry(string reference, string id, StreamEvent e) => new(
        e.OccurredAt, e.Type, reference, id, e.Actor.Role, e.Actor.Name, e.Data switch
        {
            IncidentReportedData reported => $"{reported.Incident.Category}: {reported.Description}",
            StatusChangedData changed => $"{Name(changed.From)} → {Name(changed.To)}" + (changed.Reason is { } reason ? $" ({reason})" : ""),
            AssignedData assigned => assigned.Unit,
            NoteAddedData added => added.Note.Text,
            NoteModeratedData moderated => moderated.Reason,
            _ => null,
        });

    private static string Name(IncidentStatus status) => status.ToString().ToLowerInvariant();
}
