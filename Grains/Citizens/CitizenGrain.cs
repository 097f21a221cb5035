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
    internal const int MaxFollows = 50;
    internal const int MaxDisplayName = 80;
    private const int MaxReports = 1_000;
    private const int TimelineCapacity = 500;

    private readonly StreamPublisher _publisher = new(realtime.Value.ObserverExpiry, logger);
    private CitizenState S => state.State;

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
        var entry = S.Timeline.Append(EventTypes.CitizenNotified, owner, Audience.Public, notification, clock.GetUtcNow(), TimelineCapacity);
        await state.WriteStateAsync();
        _publisher.Publish(StreamKey, [entry], S.Timeline.Head, Project);
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

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer)
    {
        _publisher.Subscribe(observer);
        return Task.FromResult(S.Timeline.Head);
    }

    public Task UnsubscribeAsync(IStreamObserver observer)
    {
        _publisher.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) =>
        Task.FromResult(S.Timeline.Read(Audience.Public, afterSeq, Math.Clamp(max, 1, 1_000), Project));

    private string StreamKey => $"citizen:{this.GetPrimaryKeyString()}";

    private static StreamEvent Project(TimelineEntry<CitizenNotification> entry, Audience audience, long seq) =>
        new("me", seq, entry.Id, entry.Type, entry.OccurredAt, new EventActor(ActorRole.Operator, null), entry.Payload);

    private CitizenProfile Profile() =>
        new(S.DisplayName, S.Language, [.. S.Follows], [.. S.Reports], S.Timeline.HeadPublic);

    [LoggerMessage(Level = LogLevel.Information, Message = "A citizen's personal data was erased")]
    private static partial void LogErased(ILogger logger);
}
