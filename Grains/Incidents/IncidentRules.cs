using Collab.Categories;
using Collab.Common;

namespace Collab.Incidents;

/// <summary>
/// What each incident command checks before it changes anything: who may act (roles), input limits,
/// and the status transition table (who may move an incident where). Null means allowed.
/// </summary>
internal static class IncidentRules
{
    /// <summary>The same caller's idempotency key, sent again with another command.</summary>
    public static CommandError KeyReused { get; } = CommandError.Unprocessable("idempotency-key-reused",
        "This Idempotency-Key was used for another command; send a new key for a new command.");

    public const int MaxDescription = 4_000;
    public const int MaxNote = 2_000;
    public const int MaxUnit = 64;
    public const int MaxReason = 500;
    public const int MaxNotes = 2_000;

    private static readonly Dictionary<IncidentStatus, IncidentStatus[]> Transitions = new()
    {
        [IncidentStatus.Reported] = [IncidentStatus.Acknowledged, IncidentStatus.Rejected, IncidentStatus.Duplicate],
        [IncidentStatus.Acknowledged] = [IncidentStatus.Dispatched, IncidentStatus.Resolved, IncidentStatus.Rejected, IncidentStatus.Duplicate],
        [IncidentStatus.Dispatched] = [IncidentStatus.Resolved],
        [IncidentStatus.Resolved] = [IncidentStatus.Closed, IncidentStatus.Acknowledged],
        [IncidentStatus.Closed] = [],
        [IncidentStatus.Rejected] = [],
        [IncidentStatus.Duplicate] = [],
    };

    public static CommandError? CheckReport(ReportIncident command, CityCategories categories)
    {
        if (command.Actor.Role is not (ActorRole.Citizen or ActorRole.Police or ActorRole.Council))
        {
            return CommandError.Forbidden("role", "Only citizens, police and council report incidents.");
        }

        if (categories.Find(command.Category) is not { } category)
        {
            return CommandError.Invalid("unknown-category",
                $"Unknown category '{command.Category}'. Known: {string.Join(", ", categories.All.Select(c => c.Code))}.");
        }

        return CheckText(command.Description, MaxDescription, "description") ?? CheckLocation(command.Location)
            ?? ReportAttributes.Check(category, command.Attributes);
    }

    /// <summary>The reporter, police and council add notes; police-only notes are written by police.</summary>
    public static CommandError? CheckNote(AddNote command, bool byReporter, int notes)
    {
        if (!(byReporter || command.Actor.Role is ActorRole.Police or ActorRole.Council))
        {
            return CommandError.Forbidden("not-reporter", "Only the reporter, police and council add notes to an incident.");
        }

        if (command.Visibility == NoteVisibility.Police && command.Actor.Role != ActorRole.Police)
        {
            return CommandError.Forbidden("police-only", "Only police write police-only notes.");
        }

        return CheckText(command.Text, MaxNote, "text")
            ?? (notes >= MaxNotes ? CommandError.Conflict("too-many-notes", $"An incident holds at most {MaxNotes} notes.") : null);
    }

    public static CommandError? CheckStatusChange(ChangeStatus command, string category, bool councilConcern, IncidentStatus from) =>
        CheckTransition(command.Actor, category, councilConcern, from, command.Status) ?? CheckOptionalText(command.Reason, MaxReason, "reason");

    /// <summary>Police assign units, to incidents that are still open and not yet resolved.</summary>
    public static CommandError? CheckAssign(AssignUnit command, IncidentStatus status)
    {
        if (command.Actor.Role != ActorRole.Police)
        {
            return CommandError.Forbidden("police-only", "Only police assign units.");
        }

        return CheckText(command.Unit, MaxUnit, "unit")
            ?? (status is IncidentStatus.Reported or IncidentStatus.Acknowledged or IncidentStatus.Dispatched
                ? null
                : CommandError.Conflict("not-active", $"A unit cannot be assigned to an incident that is '{Format(status)}'."));
    }

    /// <summary>Police and council hide or restore public notes, each act with a reason.</summary>
    public static CommandError? CheckModeration(ModerateNote command, NoteState? note)
    {
        if (command.Actor.Role is not (ActorRole.Police or ActorRole.Council))
        {
            return CommandError.Forbidden("role", "Only police and council moderate notes.");
        }

        if (CheckText(command.Reason, MaxReason, "reason") is { } invalid) return invalid;
        if (note is null)
        {
            return CommandError.NotFound("note-not-found", $"This incident has no note added by event '{command.EventId}'.");
        }

        if (note.Visibility != NoteVisibility.Public)
        {
            return CommandError.Invalid("not-public", "Only public notes are moderated.");
        }

        var hide = command.Action == ModerationAction.Hide;
        return note.Hidden != hide ? null
            : hide ? CommandError.Conflict("already-hidden", "The note is already hidden.")
            : CommandError.Conflict("not-hidden", "The note is not hidden.");
    }

    /// <summary>Citizens flag public notes; police and council moderate them instead.</summary>
    public static CommandError? CheckFlag(FlagNote command, NoteState? note)
    {
        if (command.Actor.Role != ActorRole.Citizen)
        {
            return CommandError.Forbidden("citizens-only", "Citizens flag notes; police and council moderate them.");
        }

        if (CheckOptionalText(command.Reason, MaxReason, "reason") is { } invalid) return invalid;
        return note is null || note.Visibility != NoteVisibility.Public
            ? CommandError.NotFound("note-not-found", $"This incident has no public note added by event '{command.EventId}'.")
            : null;
    }

    /// <summary>Only police learn who reported an incident, and only with a reason for the audit trail.</summary>
    public static CommandError? CheckReveal(Actor actor, string reason) =>
        actor.Role != ActorRole.Police
            ? CommandError.Forbidden("police-only", "Only police may see who reported an incident.")
            : CheckText(reason, MaxReason, "reason");

    public static CommandError? CheckAuditRead(Actor actor) =>
        actor.Role is ActorRole.Police or ActorRole.Operator
            ? null
            : CommandError.Forbidden("role", "Only police and operators read the audit trail.");

    /// <summary>
    /// Police may make every transition. Council may act on the categories that concern public
    /// space, except dispatching, which is police work. Citizens and operators make none.
    /// </summary>
    public static CommandError? CheckTransition(Actor actor, string category, bool councilConcern, IncidentStatus from, IncidentStatus to)
    {
        if (!Transitions[from].Contains(to))
        {
            return CommandError.Conflict("invalid-transition", $"An incident that is '{Format(from)}' cannot become '{Format(to)}'.");
        }

        return actor.Role switch
        {
            ActorRole.Police => null,
            ActorRole.Council when to == IncidentStatus.Dispatched =>
                CommandError.Forbidden("police-only", "Only police dispatch units."),
            ActorRole.Council when !councilConcern =>
                CommandError.Forbidden("not-council-category", $"Incidents of category '{category}' are handled by police."),
            ActorRole.Council => null,
            _ => CommandError.Forbidden("role", "Only police and council change an incident's status."),
        };
    }

    public static string Format(IncidentStatus status) => status.ToString().ToLowerInvariant();

    public static CommandError? CheckText(string? text, int max, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return CommandError.Invalid($"{field}-required", $"'{field}' is required.");
        }

        return CheckOptionalText(text, max, field);
    }

    /// <summary>Free text that may be absent (a reason): when present, within <paramref name="max"/> and <see cref="TextRules"/>.</summary>
    public static CommandError? CheckOptionalText(string? text, int max, string field)
    {
        if (text is null) return null;
        return text.Length > max
            ? CommandError.Invalid($"{field}-too-long", $"'{field}' is longer than {max} characters.")
            : TextRules.Check(text, field);
    }

    public static CommandError? CheckLocation(GeoPoint? location)
    {
        if (location is null)
        {
            return CommandError.Invalid("location-required", "'location' is required.");
        }

        if (!double.IsFinite(location.Lat) || location.Lat is < -90 or > 90)
        {
            return CommandError.Invalid("latitude-out-of-range", "'location.lat' must be between -90 and 90.");
        }

        if (!double.IsFinite(location.Lon) || location.Lon is < -180 or > 180)
        {
            return CommandError.Invalid("longitude-out-of-range", "'location.lon' must be between -180 and 180.");
        }

        return location.AccuracyM is { } accuracy && (!double.IsFinite(accuracy) || accuracy < 0 || accuracy > 100_000)
            ? CommandError.Invalid("accuracy-out-of-range", "'location.accuracyM' must be between 0 and 100000.")
            : null;
    }
}
