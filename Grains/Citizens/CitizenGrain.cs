using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Citizens;

/// <summary>A citizen's profile and their <c>me</c> stream of notifications about their own reports.</summary>
internal sealed partial class CitizenGrain(
    [PersistentState("citizen", StorageNames.Collab)] IPersistentState<CitizenState> state,
    CityMap map,
    IOptions<RealtimeOptions> realtime,
    TimeProvider clock,
    ILogger<CitizenGrain> logger) : Grain, ICitizenGrain
{
    private const int MaxFollows = 50;
    private const int MaxDisplayName = 80;
    private const int MaxReports = 1_000;
    private const int TimelineCapacity = 500;

    private CitizenState S => state.State;

    /// <summary>Kept in the snapshot only. Clients know it as <c>me</c>; gateways route it by the citizen's key.</summary>
    private JournaledStream<CitizenNotification> Stream => field ??= new(
        this, StreamNames.OfCitizen(this.GetPrimaryKeyString()), () => S.Timeline, TimelineCapacity, Project, log: null, realtime.Value.ObserverExpiry, logger)
    {
        ClientName = StreamNames.Me,
    };

    public Task<CitizenProfile> GetProfileAsync() => Task.FromResult(Profile());

    public async Task<Outcome<CitizenProfile>> UpdateProfileAsync(UpdateProfile command)
    {
        if (command.DisplayName is { } name && (name.Length > MaxDisplayName || string.IsNullOrWhiteSpace(name)))
        {
            return CommandError.Invalid("displayName-invalid", $"'displayName' must be 1 to {MaxDisplayName} characters.");
        }

        if (TextRules.Check(command.DisplayName, "displayName") is { } invalid) return invalid;

        if (command.Language is { } language && !Languages.IsValid(language))
        {
            return CommandError.Invalid("language-invalid", $"'{language}' is not a BCP 47 language tag.");
        }

        S.DisplayName = command.DisplayName?.Trim() ?? S.DisplayName;
        S.Language = command.Language ?? S.Language;
        await state.WriteStateAsync();
        return Outcome<CitizenProfile>.Ok(Profile());
    }

    public async Task<Outcome<CitizenProfile>> SetFollowsAsync(IReadOnlyList<string> slugs)
    {
        var distinct = slugs.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > MaxFollows)
        {
            return CommandError.Invalid("too-many-follows", $"A citizen follows at most {MaxFollows} neighbourhoods.");
        }

        if (distinct.FirstOrDefault(s => map.Find(s) is null) is { } unknown)
        {
            return CommandError.Invalid("unknown-neighbourhood", $"Unknown neighbourhood '{unknown}'.");
        }

        S.Follows = distinct;
        await state.WriteStateAsync();
        return Outcome<CitizenProfile>.Ok(Profile());
    }

    public async Task RecordReportAsync(string incidentId)
    {
        if (S.Reports.Contains(incidentId))
        {
            return;
        }

        S.Reports.Add(incidentId);
        if (S.Reports.Count > MaxReports)
        {
            S.Reports.RemoveRange(0, S.Reports.Count - MaxReports);
        }

        await state.WriteStateAsync();
    }

    public async Task NotifyAsync(CitizenNotification notification)
    {
        if (S.Timeline.Entries.Exists(e => e.Payload.SourceEventId == notification.SourceEventId))
        {
            return;
        }

        var owner = new Actor(ActorRole.Citizen, this.GetPrimaryKeyString(), null, S.Language);
        var entry = Stream.Append(EventTypes.CitizenNotified, owner, Audience.Public, notification, clock.GetUtcNow());
        await Stream.CommitAsync(() => state.WriteStateAsync());
        Stream.Publish([entry]);
    }

    public async Task EraseAsync()
    {
        // Incidents first: if one cannot be reached the call fails and is retried whole, with the
        // list of reports still here to finish the job.
        var me = this.GetPrimaryKeyString();
        foreach (var incidentId in S.Reports)
        {
            await GrainFactory.GetGrain<IIncidentGrain>(incidentId).EraseCitizenAsync(me);
        }

        S.DisplayName = null;
        S.Language = "en";
        S.Follows = [];
        S.Reports = [];
        S.Timeline.Clear();
        await state.WriteStateAsync();
        LogErased(logger);
    }

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer) => Stream.SubscribeAsync(observer);

    public Task<StreamHead> FollowAsync(IStreamObserver observer, IReadOnlyList<Audience> audiences) => Stream.FollowAsync(observer, audiences);

    public Task UnsubscribeAsync(IStreamObserver observer) => Stream.UnsubscribeAsync(observer);

    /// <summary>One audience: only the citizen reads their own stream.</summary>
    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) => Stream.ReadAsync(Audience.Public, afterSeq, max);

    private static (EventActor, EventData) Project(TimelineEntry<CitizenNotification> entry, Audience audience) =>
        (new EventActor(ActorRole.Operator, null), entry.Payload);

    private CitizenProfile Profile() =>
        new(S.DisplayName, S.Language, [.. S.Follows], [.. S.Reports], S.Timeline.HeadPublic);

    [LoggerMessage(Level = LogLevel.Information, Message = "A citizen's personal data was erased")]
    private static partial void LogErased(ILogger logger);
}
