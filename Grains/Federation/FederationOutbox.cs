using Collab.Common;
using Collab.Hosting;
using Collab.Incidents;
using Collab.Realtime;
using Microsoft.Extensions.Options;

namespace Collab.Federation;

/// <summary>
/// Where an incident's stored changes meet the sharing policies: for each partner whose policy
/// shares the incident's neighbourhood and category (and, for a training exercise's incident, takes
/// part in exercises), the changes that partner's audience can see,
/// each with the incident's view for that audience, go into the partner's outbox. Awaited by the
/// incident before it answers. Only local incidents pass here: mirrored ones live in
/// <see cref="PartnerMirrorGrain"/> and are never re-shared.
/// </summary>
internal sealed class FederationOutbox(IOptions<FederationOptions> options, IOptions<CityOptions> city, IGrainFactory grains)
{
    private readonly IReadOnlyList<SharingPolicy> _policies =
        options.Value.Partners.Select(p => SharingPolicy.From(p.Key, p.Value.Share)).ToList();

    public bool Enabled => _policies.Count > 0;

    /// <summary>
    /// Offers an incident's stored changes after <see cref="IncidentState.SharedThrough"/> to the
    /// partners whose policies share them, then moves that mark to the head. Throws when an outbox
    /// cannot store them, leaving the mark: the next command, retry or activation offers them again.
    /// </summary>
    internal async Task ShareStoredAsync(IncidentState incident, Func<Audience, IncidentView> view)
    {
        var head = incident.Timeline.HeadPolice;
        if (incident.SharedThrough >= head)
        {
            return;
        }

        if (Enabled && incident.Reported)
        {
            var entries = incident.Timeline.Entries.Where(e => e.SeqPolice > incident.SharedThrough).ToList();
            await ShareAsync(incident.Neighbourhood, incident.Category, entries, view, incident.Exercise is not null);
        }

        incident.SharedThrough = head;
    }

    /// <summary>
    /// The reporter of <paramref name="incident"/> erased their data: every partner whose policy shares
    /// the incident (and so received it) gets the anonymised view, to apply to what it holds (GDPR
    /// Art. 17(2)). One change per incident, named by the incident's id, so a retried erasure is
    /// recorded once. Throws when an outbox cannot store it; the erasure is then retried whole.
    /// </summary>
    internal Task ShareErasureAsync(string incidentId, IncidentState incident, Func<Audience, IncidentView> view, DateTimeOffset at)
    {
        if (!Enabled || !incident.Reported)
        {
            return Task.CompletedTask;
        }

        var calls = new List<Task>();
        foreach (var policy in _policies.Where(p => p.Shares(incident.Neighbourhood, incident.Category, incident.Exercise is not null)))
        {
            var change = new SharedChange($"{incidentId}:reporter-erased", EventTypes.ReporterErased, at, SharedIncident.From(city.Value.Id, view(policy.Audience)));
            calls.Add(grains.GetGrain<IPartnerLinkGrain>(policy.PartnerId).EnqueueAsync([change]));
        }

        return Task.WhenAll(calls);
    }

    /// <summary>
    /// A training exercise's incident is being purged: every partner that received it (taking part
    /// in exercises, with a view that shows an exercise) forgets it too. One change per incident,
    /// named by its id, so a retried purge is recorded once; it carries what names the incident, not
    /// its texts or notes. Throws when an outbox cannot store it; the purge is then retried whole.
    /// </summary>
    internal Task ShareExercisePurgeAsync(string incidentId, IncidentState incident, Func<Audience, IncidentView> view, DateTimeOffset at)
    {
        if (!Enabled || !incident.Reported || incident.Exercise is null)
        {
            return Task.CompletedTask;
        }

        var calls = new List<Task>();
        foreach (var policy in _policies.Where(p => p.Audience >= Audience.Council && p.Shares(incident.Neighbourhood, incident.Category, exercise: true)))
        {
            var forgotten = SharedIncident.From(city.Value.Id, view(policy.Audience)) with { Description = "", Notes = [], AssignedUnit = null };
            var change = new SharedChange($"{incidentId}:exercise-purged", EventTypes.ExerciseIncidentPurged, at, forgotten);
            calls.Add(grains.GetGrain<IPartnerLinkGrain>(policy.PartnerId).EnqueueAsync([change]));
        }

        return Task.WhenAll(calls);
    }

    /// <summary>
    /// Records <paramref name="entries"/> for every partner whose policy shares them; a training
    /// exercise's (<paramref name="exercise"/>) only for partners that take part, its view marked with the exercise.
    /// </summary>
    public Task ShareAsync(string neighbourhood, string category, IReadOnlyList<TimelineEntry<IncidentEvent>> entries, Func<Audience, IncidentView> view,
        bool exercise = false)
    {
        var calls = new List<Task>();
        var views = new Dictionary<Audience, SharedIncident>();
        foreach (var policy in _policies.Where(p => p.Shares(neighbourhood, category, exercise)))
        {
            var visible = entries.Where(e => e.IsVisibleTo(policy.Audience)).ToList();
            if (visible.Count == 0)
            {
                continue;
            }

            if (!views.TryGetValue(policy.Audience, out var shared))
            {
                views[policy.Audience] = shared = SharedIncident.From(city.Value.Id, view(policy.Audience));
            }

            var changes = visible.Select(e => new SharedChange(e.Id, e.Type, e.OccurredAt, shared)).ToList();
            calls.Add(grains.GetGrain<IPartnerLinkGrain>(policy.PartnerId).EnqueueAsync(changes));
        }

        return Task.WhenAll(calls);
    }
}
