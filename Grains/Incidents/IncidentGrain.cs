using Collab.Categories;
using Collab.Citizens;
using Collab.Common;
using Collab.Federation;
using Collab.Neighbourhoods;
using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Incidents;

/// <summary>
/// One incident: its facts, notes, lifecycle and timeline. Each command checks
/// (<see cref="IncidentRules"/>), records its events (each event's <see cref="IncidentEvent.Apply"/>),
/// stores them, and only then publishes them to gateways (<see cref="IncidentProjection"/> decides
/// who sees what), the neighbourhood and the reporter's <c>me</c> stream.
/// </summary>
internal sealed partial class IncidentGrain(
    [PersistentState(IncidentGrain.StateName, StorageNames.Collab)] IPersistentState<IncidentState> state,
    [PersistentState("reporter", StorageNames.Collab)] IPersistentState<ReporterState> reporter,
    [PersistentState("audit", StorageNames.Collab)] IPersistentState<AuditState> audit,
    CityMap map,
    CityCategories categories,
    IOptions<PrivacyOptions> privacy,
    IOptions<ModerationOptions> moderation,
    IOptions<RealtimeOptions> realtime,
    IEventLog eventLog,
    NeighbourhoodFeed neighbourhoods,
    FederationOutbox federation,
    TimeProvider clock,
    ILogger<IncidentGrain> logger) : Grain, IIncidentGrain
{
    /// <summary>The snapshot's state name; <see cref="IncidentDirectoryGrain"/> reads it to tell whether an incident exists.</summary>
    internal const string StateName = "incident";

    private IncidentState S => state.State;
    private ReporterState R => reporter.State;
    /// <summary>Read once: Orleans decodes the key into a new string on every call, and a command asks several times.</summary>
    private string IncidentId => field ??= this.GetPrimaryKeyString();
    private IncidentProjection Projection => new(IncidentId, S, privacy.Value, categories);
    private IncidentNotifier Notifier => field ??= new(IncidentId, GrainFactory, neighbourhoods, logger);
    private static CommandError NoSuchIncident => CommandError.NotFound("incident-not-found", "No such incident.");

    /// <summary>
    /// Events after which a commit also writes the snapshot. With the event log the log row is the
    /// commit and this bounds what an activation replays; the snapshot (the whole timeline, up to
    /// <see cref="RealtimeOptions.IncidentTimelineCapacity"/> entries) is not rewritten per command.
    /// Memory mode keeps the same cadence: rewriting the snapshot every couple of seconds instead
    /// was a quarter of a memory-mode silo's work under commands, for a store that dies with its silo.
    /// </summary>
    internal const int SnapshotEvery = 100;

    /// <summary>Events recorded since the snapshot was last written.</summary>
    private int _unsaved;

    /// <summary>Timeline entries the last snapshot held (as this activation knows it).</summary>
    private int _snapshotEntries;

    /// <summary>
    /// Events after which the next commit writes the snapshot: <see cref="SnapshotEvery"/>, or as many
    /// as the timeline the last snapshot held when that is more. So the snapshots cost about one entry
    /// written per event however long the incident runs, and an activation replays at most as many
    /// events as the snapshot it read holds (rewriting a 5,000-entry timeline every 100 events was
    /// fifty entries written per command).
    /// </summary>
    private int SnapshotDue => Math.Max(SnapshotEvery, _snapshotEntries);

    /// <summary>Events recorded by the command in progress, not yet committed.</summary>
    private int _recorded;

    /// <summary>A commit or snapshot failed: this activation may be ahead of the store, so it never writes its snapshot again.</summary>
    private bool _storeUnsure;

    /// <summary>Journaled: a command's events go to the log before the command is answered; the snapshot follows (see <see cref="StoreAsync"/>).</summary>
    private JournaledStream<IncidentEvent> Stream => field ??= new(
        this, StreamNames.OfIncident(IncidentId), () => S.Timeline, realtime.Value.IncidentTimelineCapacity,
        (entry, audience) => Projection.Event(entry, audience), eventLog, realtime.Value.ObserverExpiry, logger)
    {
        History = row => IncidentLogPayload.Read(row).Entry,
        Exercise = () => S.Exercise,
    };

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A snapshot older than the event records is upgraded before the log is read after it.
        var upgraded = S.UpgradeTimeline();
        _unsaved += await Stream.CatchUpAsync(Restore, cancellationToken);
        _snapshotEntries = Math.Max(0, S.Timeline.Entries.Count - _unsaved);
        if (upgraded || _unsaved >= SnapshotDue)
        {
            await SnapshotAsync();
        }

        try
        {
            // A command stored but not yet offered to partners (a failure, a crash) is offered now.
            await ShareAsync();
        }
        catch (Exception ex)
        {
            LogShareFailed(logger, ex, IncidentId);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A memory-mode silo that stops takes its storage with it: its storage grains deactivate
        // beside this one, and a write would only fail (loudly) on the way out.
        var storeGoing = !Stream.IsJournaled && reason.ReasonCode == DeactivationReasonCode.ShuttingDown;
        if (_unsaved > 0 && !_storeUnsure && !storeGoing)
        {
            try
            {
                await SnapshotAsync();
            }
            catch (Exception ex)
            {
                // With the log nothing is lost: the next activation replays it. In memory mode the
                // store refused the only copy, which is the same as any other failed write there.
                Stream.DropActivation(ex);
            }
        }
    }

    public async Task<Outcome<IncidentView>> ReportAsync(ReportIncident command)
    {
        var actor = command.Actor;
        var key = CommandKey.Of(S, command);
        if (S.Reported)
        {
            // The id comes from (caller, key): the same caller's same key with another report lands here too.
            return key.Answer(() => View(actor)) is { } answered
                ? await Shared(answered)
                : CommandError.Conflict("already-reported", "An incident with this id already exists.");
        }

        if (IncidentRules.CheckReport(command, categories) is { } refused) return Unreported(refused);
        if (map.Locate(command.Location) is not { } neighbourhood)
        {
            return Unreported(CommandError.Invalid("outside-city", "The location is not inside the city."));
        }

        R.Set(actor);
        var reported = Record(new IncidentReported(command.Category, command.Description.Trim(), command.Location, command.Severity,
            command.Language, neighbourhood.Slug, ReportAttributes.Normalized(command.Attributes), command.Exercise), actor, key.Record);
        // Identity first: an incident never exists without knowing whom to notify. In memory mode
        // the snapshot at once: it is what tells the directory that the incident exists (with the
        // log, its first row does).
        await StoreAsync(before: () => reporter.WriteStateAsync(), snapshotNow: !Stream.IsJournaled);
        LogReported(logger, IncidentId, S.Category, S.Neighbourhood);

        Stream.Publish([reported]);
        await TellNeighbourhoodAsync(reported.Id);
        if (actor.Role == ActorRole.Citizen)
        {
            await Notifier.TellReporterAsync(R, citizen => citizen.RecordReportAsync(IncidentId));
            await NotifyReporterAsync(reported.Id, "report.received", "Your report was received.");
        }

        return View(actor);
    }

    public Task<Outcome<IncidentView>> GetAsync(Actor viewer) =>
        Task.FromResult(S.Reported && !HiddenExercise(viewer.Audience) ? View(viewer) : Unreported(NoSuchIncident));

    /// <summary>An exercise's incident does not exist for the public: only the trainees (police, council) see it.</summary>
    private bool HiddenExercise(Audience audience) => S.Exercise is not null && audience == Audience.Public;

    public async Task<Outcome<IncidentView>> AddNoteAsync(AddNote command)
    {
        var actor = command.Actor;
        var key = CommandKey.Of(S, command);
        if (Answered(actor, key) is { } answered) return await Shared(answered);
        if (IncidentRules.CheckNote(command, IsReporter(actor), S.Notes.Count) is { } refused) return Refused(refused);

        var added = Record(new NoteAdded(command.Text.Trim(), command.Visibility, command.Language), actor, key.Record,
            IncidentProjection.AudienceOf(command.Visibility));
        await StoreAsync();

        Stream.Publish([added]);
        if (command.Visibility == NoteVisibility.Public && actor.Role is ActorRole.Police or ActorRole.Council)
        {
            await NotifyReporterAsync(added.Id, "report.note_added", "There is news about your report.");
        }

        return View(actor);
    }

    public async Task<Outcome<IncidentView>> ChangeStatusAsync(ChangeStatus command)
    {
        var actor = command.Actor;
        var key = CommandKey.Of(S, command);
        if (Answered(actor, key) is { } answered) return await Shared(answered);
        if (IncidentRules.CheckStatusChange(command, S.Category, categories.ConcernsCouncil(S.Category), S.Status) is { } refused) return Refused(refused);

        var from = S.Status;
        var changed = Record(new StatusChanged(from, command.Status, command.Reason), actor, key.Record);
        await StoreAsync();
        LogStatusChanged(logger, IncidentId, from, command.Status);

        Stream.Publish([changed]);
        await TellNeighbourhoodAsync(changed.Id);
        await NotifyReporterAsync(changed.Id, "report.status_changed", $"Your report is now {IncidentRules.Format(command.Status)}.");
        return View(actor);
    }

    public async Task<Outcome<IncidentView>> AssignAsync(AssignUnit command)
    {
        var actor = command.Actor;
        var key = CommandKey.Of(S, command);
        if (Answered(actor, key) is { } answered) return await Shared(answered);
        if (IncidentRules.CheckAssign(command, S.Status) is { } refused) return Refused(refused);

        var assigned = Record(new UnitAssigned(command.Unit.Trim()), actor, key.Record);
        await StoreAsync();

        Stream.Publish([assigned]);
        await TellNeighbourhoodAsync(assigned.Id);
        await NotifyReporterAsync(assigned.Id, "report.assigned", "A police unit was assigned to your report.");
        return View(actor);
    }

    public async Task<Outcome<IncidentView>> ModerateAsync(ModerateNote command)
    {
        var actor = command.Actor;
        var key = CommandKey.Of(S, command);
        if (Answered(actor, key) is { } answered) return await Shared(answered);
        var note = S.FindNote(command.EventId);
        if (IncidentRules.CheckModeration(command, note) is { } refused) return Refused(refused);

        IncidentEvent act = command.Action == ModerationAction.Hide
            ? new NoteHidden(note!.EventId, command.Reason)
            : new NoteRestored(note!.EventId, command.Reason);
        var moderated = Record(act, actor, key.Record);
        // On record before it takes effect: an audit entry of an act whose commit then fails is
        // the safe side of the two.
        await StoreAsync(before: () => AuditAsync(actor, act.Type, $"note {note.EventId}: {command.Reason}"));
        LogModerated(logger, IncidentId, moderated.Type);

        Stream.Publish([moderated]);
        return View(actor);
    }

    public async Task<Outcome<IncidentView>> FlagAsync(FlagNote command)
    {
        var actor = command.Actor;
        var key = CommandKey.Of(S, command);
        if (Answered(actor, key) is { } answered) return await Shared(answered);
        var note = S.FindNote(command.EventId);
        if (IncidentRules.CheckFlag(command, note) is { } refused) return Refused(refused);

        if (!note!.Flag(IncidentId, actor.UserId)) return View(actor);
        if (key.Record is { } record) S.RememberKey(record);
        // Who flagged is in no event: the snapshot holds it, so these commits write it at once.
        if (note.Flaggers.Count < moderation.Value.FlagThreshold)
        {
            await StoreAsync(snapshotNow: true);
            return View(actor);
        }

        // The platform hides the note, so the event carries no citizen's key: erasing that
        // citizen must not have to find it in the log.
        var hidden = Record(new NoteHidden(note.EventId, "flagged-pending-review"), WellKnownActors.Platform, keyRecord: null);
        var flags = note.Flaggers.Count;
        await StoreAsync(before: () => AuditAsync(WellKnownActors.Platform, hidden.Type, $"note {note.EventId}: {flags} citizens flagged it"), snapshotNow: true);
        LogModerated(logger, IncidentId, "flagged note hidden");

        Stream.Publish([hidden]);
        return View(actor);
    }

    public Task<StreamHead> SubscribeAsync(IStreamObserver observer) => FollowAsync(observer, Audiences.All);

    public Task<StreamHead> FollowAsync(IStreamObserver observer, IReadOnlyList<Audience> audiences)
    {
        // Not yet reported: the registration is kept while the activation lives; the gateway's
        // renewal registers again once the incident exists.
        if (!S.Reported) DeactivateOnIdle();
        return Stream.FollowAsync(observer, audiences);
    }

    public Task UnsubscribeAsync(IStreamObserver observer) => Stream.UnsubscribeAsync(observer);

    public Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max) =>
        S.Reported && !HiddenExercise(audience) ? Stream.ReadAsync(audience, afterSeq, max) : Task.FromResult(Unreported(StreamPage.NotFound));

    /// <summary>
    /// The answer of a call on an incident that was never reported, and the activation goes as soon
    /// as it is idle: an unknown id (a race with the directory, an internal caller) must not leave
    /// an activation and its memory behind until idle collection, minutes later.
    /// </summary>
    private T Unreported<T>(T answer)
    {
        DeactivateOnIdle();
        return answer;
    }

    /// <summary>What a command answers before its checks: not found, or what its key says (<see cref="CommandKey.Answer"/>); null to go on.</summary>
    private Outcome<IncidentView>? Answered(Actor actor, CommandKey key)
    {
        if (!S.Reported) return Unreported(NoSuchIncident);
        var answer = key.Answer(() => View(actor));
        return answer is { Error: { } error } ? Outcome<IncidentView>.Fail(Refused(error)) : answer;
    }

    /// <summary>A refusal that says when this is an exercise's incident, so it is counted as exercise activity.</summary>
    private CommandError Refused(CommandError error) => S.Exercise is { } exercise ? error with { Exercise = exercise } : error;

    private Outcome<IncidentView> View(Actor viewer) => Outcome<IncidentView>.Ok(Projection.View(viewer.Audience, IsReporter(viewer)));

    private bool IsReporter(Actor actor) => actor.Role == ActorRole.Citizen && !R.Erased && actor.UserId == R.UserId;

    /// <summary>
    /// Records one event: onto the timeline (lean) and this command's pending log rows (in full),
    /// and into the state, by the same <see cref="IncidentState.Apply"/> that restores it from the log.
    /// </summary>
    private TimelineEntry<IncidentEvent> Record(IncidentEvent fact, Actor actor, string? keyRecord, Audience visibility = Audience.Public)
    {
        if (S.Exercise is not null || fact is IncidentReported { Exercise: not null })
        {
            // An exercise's events are for its trainees: the public's timeline of it stays empty, so
            // no push reaches a citizen who subscribes to it.
            visibility = visibility < Audience.Council ? Audience.Council : visibility;
        }

        var entry = Stream.Append(fact.Type, actor, visibility, fact.Lean(), clock.GetUtcNow(), e => IncidentLogPayload.Write(e, fact, keyRecord));
        _recorded++;
        return S.Apply((entry, fact, keyRecord));
    }

    /// <summary>Re-applies a logged event that the snapshot missed.</summary>
    private TimelineEntry<IncidentEvent> Restore(LoggedEvent row) => S.Apply(IncidentLogPayload.Read(row));

    /// <summary>
    /// Stores the command: <paramref name="before"/> (state kept apart), the log, then the snapshot
    /// where it is due; then records what partners' policies share in their outboxes, before the
    /// command is answered. The snapshot is written at once when asked (<paramref name="snapshotNow"/>:
    /// a memory-mode report, a flag, which no event carries), for a command without events, every
    /// <see cref="SnapshotEvery"/> events (a long timeline after as many events as it held: <see cref="SnapshotDue"/>)
    /// and on deactivation. Otherwise, with the event log, the log
    /// row is the commit; in memory mode the events live in the activation until then, on the same
    /// cadence, and a silo that dies takes them with it, as it takes the memory storage it hosts.
    /// </summary>
    private async Task StoreAsync(Func<Task>? before = null, bool snapshotNow = false)
    {
        var events = _recorded;
        _recorded = 0;
        try
        {
            await Stream.CommitAsync(() =>
            {
                _unsaved += events;
                return snapshotNow || events == 0 || _unsaved >= SnapshotDue ? SnapshotAsync() : Task.CompletedTask;
            }, before);
        }
        catch
        {
            _storeUnsure = true;
            throw;
        }

        await ShareAsync();
    }

    private async Task SnapshotAsync()
    {
        await state.WriteStateAsync();
        _unsaved = 0;
        _snapshotEntries = S.Timeline.Entries.Count;
    }

    /// <summary>
    /// Offers the stored changes not yet offered to the partners' outboxes; throws when an outbox
    /// cannot store them: the command then fails, and its retry (same idempotency key) offers them again.
    /// </summary>
    private Task ShareAsync() =>
        // An exercise's incidents go only to partners taking part in exercises (the outbox's policies decide).
        federation.ShareStoredAsync(S, audience => Projection.View(audience, isOwnReport: false));

    /// <summary>A retried command's answer, once what it stored is in the partners' outboxes.</summary>
    private async Task<Outcome<IncidentView>> Shared(Outcome<IncidentView> answer)
    {
        await ShareAsync();
        return answer;
    }

    /// <summary>An exercise's incidents stay out of the neighbourhood's feed, map and counts.</summary>
    private Task TellNeighbourhoodAsync(string eventId) => S.Exercise is not null ? Task.CompletedTask :
        Notifier.TellNeighbourhoodAsync(S.Neighbourhood, new IncidentChange(eventId, Projection.Summary(Audience.Police), Projection.Summary(Audience.Public)));

    private Task NotifyReporterAsync(string eventId, string kind, string message) =>
        Notifier.TellReporterAsync(R, c => c.NotifyAsync(new CitizenNotification(eventId, kind, IncidentId, S.Status, message)));
}
