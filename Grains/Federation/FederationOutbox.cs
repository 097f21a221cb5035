using Collab.Common;
using Collab.Hosting;
using Collab.Incidents;
using Collab.Realtime;
using Microsoft.Extensions.Options;

namespace Collab.Federation;

/// <summary>
/// Where an incident's stored changes meet the sharing policies: for each partner whose policy
/// shares the incident's neighbourhood and category, the changes that partner's audience can see,
/// each with the incident's view for that audience, go into the partner's outbox. Awaited by the
/// incident before it answers. Only local incidents pass here: mirrored ones live in
/// <see cref="PartnerMirrorGrain"/> and are never re-shared.
/// </summary>
internal sealed class FederationOutbox(IOptions<FederationOptions> options, IOptions<CityOptions> city, IGrainFactory grains)
{
    private readonly IReadOnlyList<SharingPolicy> _policies =
        options.Value.Partners.Select(p => SharingPolicy.From(p.Key, p.Value.Share)).ToList();

    public bool Enabled => _policies.Count > 0;

    public Task ShareAsync(string neighbourhood, string category, IReadOnlyList<TimelineEntry<IncidentEvent>> entries, Func<Audience, IncidentView> view)
    {
        var calls = new List<Task>();
        var views = new Dictionary<Audience, SharedIncident>();
        foreach (var policy in _policies.Where(p => p.Shares(neighbourhood, category)))
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
