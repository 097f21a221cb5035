using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Collab.Citizens;
using Collab.Common;
using Collab.Neighbourhoods;
using Collab.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collab.Incidents;

/// <summary>
/// One incident: its facts, notes, lifecycle and timeline. Each command is validated, stored,
/// and only then published to gateways, the neighbourhood and the reporter's <c>me</c> stream.
/// </summary>
internal sealed partial class IncidentGrain(
    [PersistentState("incident", StorageNames.Collab)] IPersistentState<IncidentState> state,
    [PersistentState("reporter", StorageNames.Collab)] IPersistentState<ReporterState> reporter,
    [PersistentState("audit", StorageNames.Collab)] IPersistentState<AuditState> audit,
    CityMap map,
    IOptions<PrivacyOptions> privacy,
    IOptions<ModerationOptions> moderation,
    IOptions<RealtimeOptions> realtime,
    IEventLog eventLog,
    NeighbourhoodFeed neighbourhoods,
    TimeProvider clock,
    ILogger<IncidentGrain> logger) : Grain, IIncidentGrain
{
    private const int MaxNotes = 2_000;
    private const int RememberedKeys = 500;
    private const int AuditCapacity = 2_000;
    private const string FormerResident = "former resident";
    private static readonly Actor System = new(ActorRole.Operator, "system", null, "en");

    private const int CatchUpPage = 1_000;

    private readonly StreamPublisher _publisher = new(realtime.Value.ObserverExpiry, logger);

    /// <summary>This command's events, appended to the log before the snapshot is written.</summary>
    private readonly List<LoggedEvent> _pending = [];
    private IncidentState S => state.State;
    private ReporterState R => reporter.State;
    private string IncidentId => this.GetPrimaryKeyString();
    private string StreamName => $"incident:{IncidentId}";

    /// <summary>
    /// Completes the snapshot from the event log: a crash between a command's log append and its
    /// snapshot write leaves events only in the log, and they were acknowledged.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!eventLog.IsDurable)
        {
            return;
        }

        var restored = 0;
        while (true)
        {
            var page = await eventLog.ReadAsync(StreamName, S.Timeline.HeadPolice, CatchUpPage, cancellationToken);
            foreach (var row in page)
            {
                Restore(row);
            }

            restored += page.Count;
            if (page.Count < CatchUpPage)
            {
                break;
            }
        }

        if (restored > 0)
        {
            LogCaughtUp(logger, IncidentId, restored);
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<Outcome<IncidentView>> ReportAsync(ReportIncident command)
    {
        var actor = command.Actor;
        if (S.Reported)
        {
            return Seen(actor, command.IdempotencyKey)
                ? View(actor)
                : CommandError.Conflict("already-reported", "An incident with this id already exists.");
        }

        if (actor.Role is not (ActorRole.Citizen or ActorRole.Police or ActorRole.Council))
        {
            return CommandError.Forbidden("role", "Only citizens, police and council report incidents.");
        }

        if (!Categories.IsKnown(command.Category))
        {
            return CommandError.Invalid("unknown-category", $"Unknown category '{command.Category}'.");
        }

        if ((IncidentRules.CheckText(command.Description, IncidentRules.MaxDescription, "description")
             ?? IncidentRules.CheckLocation(command.Location)) is { } invalid)
        {
            return invalid;
        }

        var neighbourhood = map.Locate(command.Location);
        if (neighbourhood is null)
        {
            return CommandError.Invalid("outside-city", "The location is not inside the city.");
        }

        R.UserId = actor.UserId;
        R.Name = actor.Name;
        R.Role = actor.Role;
        var fact = new IncidentFact(
            To: IncidentStatus.Reported,
            Category: command.Category,
            Description: command.Description.Trim(),
            Location: command.Location,
            Severity: command.Severity,
            Language: command.Language,
            Neighbourhood: neighbourhood.Slug);
        var entry = Record(EventTypes.IncidentReported, actor, Audience.Public, fact, ScopedKey(actor, command.IdempotencyKey));
        // Identity first: an incident never exists without knowing whom to notify.
        await CommitAsync(() => reporter.WriteStateAsync());
        LogReported(logger, IncidentId, S.Category, S.Neighbourhood);

        Publish(entry);
        await TellNeighbourhoodAsync(entry.Id);
        if (actor.Role == ActorRole.Citizen)
        {
            await TellReporterAsync(citizen => citizen.RecordReportAsync(IncidentId));
            await NotifyReporterAsync(entry.Id, "report.received", "Your report was received.");
        }

        return View(actor);
    }

    public Task<Outcome<IncidentView>> GetAsync(Actor viewer) =>
        Task.FromResult(S.Reported ? View(viewer) : NotFound());

    public async Task<Outcome<IncidentView>> AddNoteAsync(AddNote command)
    {
        var actor = command.Actor;
        if (!S.Reported) return NotFound();
        if (Seen(actor, command.IdempotencyKey)) return View(actor);

        if (!(IsReporter(actor) || actor.Role is ActorRole.Police or ActorRole.Council))
        {
            return CommandError.Forbidden("not-reporter", "Only the reporter, police and council add notes to an incident.");
        }

        if (command.Visibility == NoteVisibility.Police && actor.Role != ActorRole.Police)
        {
            return CommandError.Forbidden("police-only", "Only police write police-only notes.");
        }

        if (IncidentRules.CheckText(command.Text, IncidentRules.MaxNote, "text") is { } invalid) return invalid;
        if (S.Notes.Count >= MaxNotes)
        {
            return CommandError.Conflict("too-many-notes", $"An incident holds at most {MaxNotes} notes.");
        }

        var visibility = command.Visibility switch
        {
            NoteVisibility.Police => Audience.Police,
            NoteVisibility.Authorities => Audience.Council,
            _ => Audience.Public,
        };
        var fact = new IncidentFact(Text: command.Text.Trim(), NoteVisibility: command.Visibility, Language: command.Language);
        var entry = Record(EventTypes.NoteAdded, actor, visibility, fact, ScopedKey(actor, command.IdempotencyKey));
        await CommitAsync();

        Publish(entry);
        if (command.Visibility == NoteVisibility.Public && actor.Role is ActorRole.Police or ActorRole.Council)
        {
            await NotifyReporterAsync(entry.Id, "report.note_added", "There is news about your report.");
        }

        return View(actor);
    }

    public async Task<Outcome<IncidentView>> ChangeStatusAsync(ChangeStatus command)
    {
        var actor = command.Actor;
        if (!S.Reported) return NotFound();
        if (Seen(actor, command.IdempotencyKey)) return View(actor);
        if (IncidentRules.CheckTransition(actor, S.Category, S.Status, command.Status) is { } refused) return refused;
        if (IncidentRules.CheckOptionalText(command.Reason, IncidentRules.MaxReason, "reason") is { } badReason) return badReason;

        var from = S.Status;
        var entry = Record(EventTypes.StatusChanged, actor, Audience.Public, new IncidentFact(From: from, To: command.Status, Reason: command.Reason), ScopedKey(actor, command.IdempotencyKey));
        await CommitAsync();
        LogStatusChanged(logger, IncidentId, from, command.Status);

        Publish(entry);
        await TellNeighbourhoodAsync(entry.Id);
        await NotifyReporterAsync(entry.Id, "report.status_changed", $"Your report is now {IncidentRules.Format(command.Status)}.");
        return View(actor);
    }

    public async Task<Outcome<IncidentView>> AssignAsync(AssignUnit command)
    {
        var actor = command.Actor;
        if (!S.Reported) return NotFound();
        if (Seen(actor, command.IdempotencyKey)) return View(actor);
        if (actor.Role != ActorRole.Police) return CommandError.Forbidden("police-only", "Only police assign units.");
        if (IncidentRules.CheckText(command.Unit, IncidentRules.MaxUnit, "unit") is { } invalid) return invalid;
        if (S.Status is not (IncidentStatus.Reported or IncidentStatus.Acknowledged or IncidentStatus.Dispatched))
        {
            return CommandError.Conflict("not-active", $"A unit cannot be assigned to an incident that is '{IncidentRules.Format(S.Status)}'.");
        }

        var entry = Record(EventTypes.Assigned, actor, Audience.Public, new IncidentFact(Unit: command.Unit.Trim()), ScopedKey(actor, command.IdempotencyKey));
        await CommitAsync();

        Publish(entry);
        await TellNeighbourhoodAsync(entry.Id);
        await NotifyReporterAsync(entry.Id, "report.assigned", "A police unit was assigned to your report.");
        return View(actor);
    }

    public async Task<Outcome<IncidentView>> ModerateAsync(ModerateNote command)
    {
        var actor = command.Actor;
        if (!S.Reported) return NotFound();
        if (Seen(actor, command.IdempotencyKey)) return View(actor);
        if (actor.Role is not (ActorRole.Police or ActorRole.Council))
        {
            return CommandError.Forbidden("role", "Only police and council moderate notes.");
        }

        if (IncidentRules.CheckText(command.Reason, IncidentRules.MaxReason, "reason") is { } invalid) return invalid;
        var note = S.Notes.Find(n => n.EventId == command.EventId);
        if (note is null)
        {
            return CommandError.NotFound("note-not-found", $"This incident has no note added by event '{command.EventId}'.");
        }

        if (note.Visibility != NoteVisibility.Public)
        {
            return CommandError.Invalid("not-public", "Only public notes are moderated.");
        }

        var hide = command.Action == ModerationAction.Hide;
        if (note.Hidden == hide)
        {
            return CommandError.Conflict(hide ? "already-hidden" : "not-hidden", hide ? "The note is already hidden." : "The note is not hidden.");
        }

        var type = hide ? EventTypes.NoteHidden : EventTypes.NoteRestored;
        var entry = Record(type, actor, Audience.Public, new IncidentFact(NoteEventId: note.EventId, Reason: command.Reason), ScopedKey(actor, command.IdempotencyKey));
        // On record before it takes effect: an audit entry of an act whose commit then fails is
        // the safe side of the two.
        await CommitAsync(() => AuditAsync(actor, type, $"note {note.EventId}: {command.Reason}"));
        LogModerated(logger, IncidentId, entry.Type);

        Publish(entry);
        return View(actor);
    }

    public async Task<Outcome<IncidentView>> FlagAsync(FlagNote command)
    {
        var actor = command.Actor;
        if (!S.Reported) return NotFound();
        if (Seen(actor, command.IdempotencyKey)) return View(actor);
        if (actor.Role != ActorRole.Citizen) return CommandError.Forbidden("citizens-only", "Citizens flag notes; police and council moderate them.");
        if (IncidentRules.CheckOptionalText(command.Reason, IncidentRules.MaxReason, "reason") is { } badReason) return badReason;

        var note = S.Notes.Find(n => n.EventId == command.EventId);
        if (note is null || note.Visibility != NoteVisibility.Public)
        {
            return CommandError.NotFound("note-not-found", $"This incident has no public note added by event '{command.EventId}'.");
        }

        var flagger = Pseudonym(actor.UserId);
        if (note.Hidden || note.Flaggers.Contains(flagger))
        {
            return View(actor);
        }

        note.Flaggers.Add(flagger);
        RememberKey(ScopedKey(actor, command.IdempotencyKey));
        TimelineEntry<IncidentFact>? hidden = null;
        if (note.Flaggers.Count >= moderation.Value.FlagThreshold)
        {
            // The system hides the note, so the event carries no citizen's key: erasing that
            // citizen must not have to find it in the log.
            hidden = Record(EventTypes.NoteHidden, System, Audience.Public, new IncidentFact(NoteEventId: note.EventId, Reason: "flagged-pending-review"), scopedKey: null);
            var flags = note.Flaggers.Count;
            await CommitAsync(() => AuditAsync(System, EventTypes.NoteHidden, $"note {note.EventId}: {flags} citizens flagged it"));
        }
        else
        {
            await CommitAsync();
        }
        if (hidden is not null)
        {
            LogModerated(logger, IncidentId, "flagged note hidden");
            Publish(hidden);
        }

        return View(actor);
    }

    public async Task<Outcome<ReporterView>> RevealReporterAsync(Actor actor, string reason)
    {
        if (!S.Reported) return Outcome<ReporterView>.Fail(CommandError.NotFound("incident-not-found", "No such incident."));
        if (actor.Role != ActorRole.Police)
        {
            return CommandError.Forbidden("police-only", "Only police may see who reported an incident.");
        }

        if (IncidentRules.CheckText(reason, IncidentRules.MaxReason, "reason") is { } invalid) return invalid;

        // The read is on record before anything is shown.
        await AuditAsync(actor, "reporter.revealed", reason);
        return Outcome<ReporterView>.Ok(R.Erased
            ? new ReporterView(null, FormerResident, Erased: true)
            : new ReporterView(R.UserId, R.Name));
    }

    public Task<Outcome<IReadOnlyList<AuditEntry>>> GetAuditAsync(Actor actor)
    {
        if (!S.Reported) return Task.FromResult(Outcome<IReadOnlyList<AuditEntry>>.Fail(CommandError.NotFound("incident-not-found", "No such incident.")));
        return Task.FromResult(actor.Role is ActorRole.Police or ActorRole.Operator
            ? Outcome<IReadOnlyList<AuditEntry>>.Ok(audit.State.Entries.ToList())
            : Outcome<IReadOnlyList<AuditEntry>>.Fail(CommandError.Forbidden("role", "Only police and operators read the audit trail.")));
    }

    public async Task EraseCitizenAsync(string userId)
    {
        if (!S.Reported)
        {
            return;
        }

        var formerResident = new Actor(ActorRole.Citizen, "erased", FormerResident, Languages.Default);
        // The log first: it is what a fresh activation would restore the user's name from.
        await eventLog.EraseActorAsync(StreamName, userId, JsonSerializer.Serialize(LoggedActor.From(formerResident), IncidentLogPayload.Json));
        var changed = false;
        if (R.UserId == userId)
        {
            R.UserId = null;
            R.Name = FormerResident;
            R.Erased = true;
            await reporter.WriteStateAsync();
        }

        foreach (var note in S.Notes.Where(n => n.Author.UserId == userId))
        {
            note.Author = formerResident;
            changed = true;
        }

        foreach (var entry in S.Timeline.Entries.Where(e => e.Actor.UserId == userId))
        {
            entry.Actor = formerResident;
            changed = true;
        }

        var prefix = userId + "\n";
        changed |= S.ProcessedKeys.RemoveAll(k => k.StartsWith(prefix, StringComparison.Ordinal)) > 0;
        if (changed)
        {
            await state.WriteStateAsync();
        }
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

    public async Task<StreamPage> ReadAsync(Audience audience, long afterSeq, int max)
    {
        if (!S.Reported)
        {
            return StreamPage.NotFound;
        }

        max = Math.Clamp(max, 1, 1_000);
        var page = S.Timeline.Read(audience, afterSeq, max, Project);
        return page.Truncated && eventLog.IsDurable ? await ReadFromLogAsync(audience, afterSeq, max) : page;
    }

    private static Outcome<IncidentView> NotFound() =>
        CommandError.NotFound("incident-not-found", "No such incident.");

    private bool Seen(Actor actor, string key) => S.ProcessedKeys.Contains(ScopedKey(actor, key));

    private static string ScopedKey(Actor actor, string key) => $"{actor.UserId}\n{key}";

    /// <summary>
    /// Records one event: onto the timeline (lean), into the state (<see cref="Apply"/>, the same
    /// code that restores it from the log), and into this command's pending log rows.
    /// </summary>
    private TimelineEntry<IncidentFact> Record(string type, Actor actor, Audience visibility, IncidentFact fact, string? scopedKey)
    {
        var entry = S.Timeline.Append(type, actor, visibility, fact.Lean(), clock.GetUtcNow(), realtime.Value.IncidentTimelineCapacity);
        Apply(entry, fact, scopedKey);
        if (eventLog.IsDurable)
        {
            var payload = new IncidentLogPayload(entry.Visibility, entry.SeqPublic, entry.SeqCouncil, LoggedActor.From(actor), fact, scopedKey);
            _pending.Add(new LoggedEvent(StreamName, entry.SeqPolice, entry.Id, entry.Type, entry.OccurredAt, payload.Serialize()));
        }

        return entry;
    }

    /// <summary>Re-applies a logged event that the snapshot missed.</summary>
    private void Restore(LoggedEvent row)
    {
        var (entry, payload) = ToEntry(row);
        S.Timeline.Restore(entry, realtime.Value.IncidentTimelineCapacity);
        Apply(entry, payload.Fact, payload.Key);
    }

    private static (TimelineEntry<IncidentFact> Entry, IncidentLogPayload Payload) ToEntry(LoggedEvent row)
    {
        var payload = IncidentLogPayload.Deserialize(row.Payload);
        return (new TimelineEntry<IncidentFact>
        {
            Id = row.EventId,
            Type = row.Type,
            OccurredAt = row.OccurredAt,
            Actor = payload.Actor.ToActor(),
            Visibility = payload.Visibility,
            SeqPublic = payload.SeqPublic,
            SeqCouncil = payload.SeqCouncil,
            SeqPolice = row.Seq,
            Payload = payload.Fact.Lean(),
        }, payload);
    }

    /// <summary>
    /// History older than the snapshot keeps comes from the log. An entry visible to an audience
    /// has a police (total) sequence at least its audience sequence, so reading the log after
    /// <paramref name="afterSeq"/> in total order finds every candidate; the rest are filtered.
    /// </summary>
    private async Task<StreamPage> ReadFromLogAsync(Audience audience, long afterSeq, int max)
    {
        var events = new List<StreamEvent>(Math.Min(max, 64));
        var cursor = afterSeq;
        while (events.Count < max)
        {
            var rows = await eventLog.ReadAsync(StreamName, cursor, CatchUpPage);
            foreach (var row in rows)
            {
                cursor = row.Seq;
                var (entry, _) = ToEntry(row);
                if (entry.IsVisibleTo(audience) && entry.SeqFor(audience) > afterSeq)
                {
                    events.Add(Project(entry, audience, entry.SeqFor(audience)));
                    if (events.Count == max) break;
                }
            }

            if (rows.Count < CatchUpPage) break;
        }

        return new StreamPage(true, events, S.Timeline.Head.For(audience), Truncated: false);
    }

    /// <summary>What an event does to the state: the one place, for commands and for restores alike.</summary>
    private void Apply(TimelineEntry<IncidentFact> entry, IncidentFact fact, string? scopedKey)
    {
        switch (entry.Type)
        {
            case EventTypes.IncidentReported:
                S.Reported = true;
                S.Category = fact.Category ?? "";
                S.Description = fact.Description ?? "";
                S.Location = fact.Location ?? new GeoPoint(0, 0);
                S.Severity = fact.Severity ?? Severity.Medium;
                S.Language = fact.Language ?? Languages.Default;
                S.Neighbourhood = fact.Neighbourhood ?? "";
                S.Status = IncidentStatus.Reported;
                S.ReportedAt = entry.OccurredAt;
                Touch(entry.OccurredAt);
                break;
            case EventTypes.NoteAdded:
                S.Notes.Add(new NoteState
                {
                    EventId = entry.Id,
                    Text = fact.Text ?? "",
                    Visibility = fact.NoteVisibility ?? NoteVisibility.Public,
                    Author = entry.Actor,
                    CreatedAt = entry.OccurredAt,
                    Language = fact.Language ?? Languages.Default,
                });
                break;
            case EventTypes.StatusChanged:
                S.Status = fact.To ?? S.Status;
                Touch(entry.OccurredAt);
                break;
            case EventTypes.Assigned:
                S.AssignedUnit = fact.Unit;
                Touch(entry.OccurredAt);
                break;
            case EventTypes.NoteHidden or EventTypes.NoteRestored when S.Notes.Find(n => n.EventId == fact.NoteEventId) is { } note:
                note.Hidden = entry.Type == EventTypes.NoteHidden;
                if (!note.Hidden)
                {
                    note.Flaggers.Clear();
                }

                break;
        }

        if (scopedKey is not null)
        {
            RememberKey(scopedKey);
        }
    }

    private void Touch(DateTimeOffset at)
    {
        S.UpdatedAt = at;
        S.Version++;
    }

    /// <summary>
    /// Stores this command: <paramref name="first"/> (state kept apart), then the log, then the
    /// snapshot. On any failure this activation's memory is ahead of the store (or behind another
    /// activation's), so it is dropped; the next call reads snapshot and log afresh, and a retry
    /// with the same idempotency key finds whatever did reach the log.
    /// </summary>
    private async Task CommitAsync(Func<Task>? first = null)
    {
        try
        {
            if (first is not null)
            {
                await first();
            }

            if (_pending.Count > 0)
            {
                await eventLog.AppendAsync(_pending);
            }

            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            LogCommitFailed(logger, ex, IncidentId);
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _pending.Clear();
        }
    }

    private void RememberKey(string scopedKey)
    {
        S.ProcessedKeys.Add(scopedKey);
        if (S.ProcessedKeys.Count > RememberedKeys)
        {
            S.ProcessedKeys.RemoveRange(0, S.ProcessedKeys.Count - RememberedKeys);
        }
    }

    private bool IsReporter(Actor actor) => actor.Role == ActorRole.Citizen && !R.Erased && actor.UserId == R.UserId;

    private async Task AuditAsync(Actor actor, string action, string? detail)
    {
        audit.State.Entries.Add(new AuditEntry(clock.GetUtcNow(), actor.Role, actor.UserId, action, detail));
        if (audit.State.Entries.Count > AuditCapacity)
        {
            audit.State.Entries.RemoveRange(0, audit.State.Entries.Count - AuditCapacity);
        }

        await audit.WriteStateAsync();
    }

    /// <summary>Flags are counted per citizen without keeping who flagged.</summary>
    private string Pseudonym(string userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{IncidentId}\n{userId}")))[..32];

    private void Publish(TimelineEntry<IncidentFact> entry)
    {
        _publisher.Publish(StreamName, [entry], S.Timeline.Head, Project);
    }

    private StreamEvent Project(TimelineEntry<IncidentFact> entry, Audience audience, long seq)
    {
        var fact = entry.Payload;
        EventData data = entry.Type switch
        {
            EventTypes.IncidentReported => new IncidentReportedData(Summary(audience) with { Status = IncidentStatus.Reported, UpdatedAt = entry.OccurredAt }, Description(audience)),
            EventTypes.NoteAdded => new NoteAddedData(IncidentId, NoteView(S.Notes.Find(n => n.EventId == entry.Id)!, audience)),
            EventTypes.StatusChanged => new StatusChangedData(IncidentId, fact.From!.Value, fact.To!.Value, fact.Reason),
            EventTypes.Assigned => new AssignedData(IncidentId, audience >= Audience.Council ? fact.Unit : null),
            _ => new NoteModeratedData(IncidentId, fact.NoteEventId!, fact.Reason),
        };
        return new StreamEvent(StreamName, seq, entry.Id, entry.Type, entry.OccurredAt, ActorFor(entry.Actor, audience), data);
    }

    /// <summary>
    /// A citizen's name is never shown (police reveal a reporter through an audited read); an
    /// official's name is for police eyes only; an erased citizen is a "former resident".
    /// </summary>
    private static EventActor ActorFor(Actor actor, Audience audience) => actor switch
    {
        { Role: ActorRole.Citizen, UserId: "erased" } => new(ActorRole.Citizen, FormerResident),
        { Role: ActorRole.Citizen } => new(ActorRole.Citizen, null),
        _ => new(actor.Role, audience == Audience.Police ? actor.Name : null),
    };

    private static NoteView NoteView(NoteState note, Audience audience)
    {
        var text = note.Hidden && audience != Audience.Police ? null
            : audience == Audience.Public ? PersonalDataMask.Mask(note.Text)
            : note.Text;
        return new(note.EventId, text, note.Visibility, ActorFor(note.Author, audience), note.CreatedAt, note.Hidden, note.Language);
    }

    private IncidentSummary Summary(Audience audience)
    {
        var blurred = audience == Audience.Public;
        var location = blurred ? LocationBlur.Blur(S.Location, S.Category, privacy.Value) : S.Location;
        return new IncidentSummary(IncidentId, S.Category, S.Status, S.Severity, location, blurred, S.Neighbourhood, S.ReportedAt, S.UpdatedAt, S.Version);
    }

    private Outcome<IncidentView> View(Actor viewer)
    {
        var audience = viewer.Audience;
        var summary = Summary(audience);
        var notes = S.Notes
            .Where(n => audience >= n.Visibility switch
            {
                NoteVisibility.Police => Audience.Police,
                NoteVisibility.Authorities => Audience.Council,
                _ => Audience.Public,
            })
            .Select(n => NoteView(n, audience))
            .ToList();
        return Outcome<IncidentView>.Ok(new IncidentView(
            IncidentId,
            audience,
            S.Category,
            Description(audience),
            S.Status,
            S.Severity,
            summary.Location,
            summary.LocationBlurred,
            S.Neighbourhood,
            S.Language,
            S.ReportedAt,
            S.UpdatedAt,
            audience >= Audience.Council ? S.AssignedUnit : null,
            notes,
            S.Timeline.Head.For(audience),
            IsReporter(viewer)));
    }

    private string Description(Audience audience) =>
        audience == Audience.Public ? PersonalDataMask.Mask(S.Description) : S.Description;

    private async Task TellNeighbourhoodAsync(string eventId)
    {
        try
        {
            var change = new IncidentChange(eventId, Summary(Audience.Police), Summary(Audience.Public));
            await neighbourhoods.SendAsync(S.Neighbourhood, change);
        }
        catch (Exception ex)
        {
            // The incident's own change is stored; the neighbourhood catches up with the next change.
            LogDownstreamFailed(logger, ex, IncidentId, "neighbourhood");
        }
    }

    private Task NotifyReporterAsync(string eventId, string kind, string message) =>
        R.Role == ActorRole.Citizen
            ? TellReporterAsync(c => c.NotifyAsync(new CitizenNotification(eventId, kind, IncidentId, S.Status, message)))
            : Task.CompletedTask;

    private async Task TellReporterAsync(Func<ICitizenGrain, Task> call)
    {
        if (R.Role != ActorRole.Citizen || R.Erased || R.UserId is not { Length: > 0 } userId)
        {
            return;
        }

        try
        {
            await call(GrainFactory.GetGrain<ICitizenGrain>(userId));
        }
        catch (Exception ex)
        {
            LogDownstreamFailed(logger, ex, IncidentId, "citizen");
        }
    }

    // Per-command logs are Debug: at thousands of commands a second they cost more than the
    // command (the console logger takes a lock per line), and the timeline and audit trail
    // already record every event.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Incident {IncidentId} reported ({Category}) in {Neighbourhood}")]
    private static partial void LogReported(ILogger logger, string incidentId, string category, string neighbourhood);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Incident {IncidentId} moved from {From} to {To}")]
    private static partial void LogStatusChanged(ILogger logger, string incidentId, IncidentStatus from, IncidentStatus to);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Incident {IncidentId}: {EventType}")]
    private static partial void LogModerated(ILogger logger, string incidentId, string eventType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId}: restored {Count} events from the log")]
    private static partial void LogCaughtUp(ILogger logger, string incidentId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentId}: a command could not be stored; the activation re-reads on its next call")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string incidentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentId}: telling the {Target} grain failed; it will catch up")]
    private static partial void LogDownstreamFailed(ILogger logger, Exception exception, string incidentId, string target);
}
