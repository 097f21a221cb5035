using System.Diagnostics.CodeAnalysis;
using Collab.Categories;
using Collab.Common;
using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>
/// Who sees what of an incident: the view, its notes, its events and their actors, per audience.
/// The public gets blurred locations (<see cref="LocationBlur"/>) and masked texts
/// (<see cref="PersonalDataMask"/>); council adds authorities notes and the assigned unit; police
/// see everything but the reporter's identity, which only an audited reveal returns.
/// </summary>
internal readonly record struct IncidentProjection(string IncidentId, IncidentState State, PrivacyOptions Privacy, CityCategories Categories)
{
    /// <summary>The narrowest audience that reads a note of this visibility.</summary>
    public static Audience AudienceOf(NoteVisibility visibility) => visibility switch
    {
        NoteVisibility.Police => Audience.Police,
        NoteVisibility.Authorities => Audience.Council,
        _ => Audience.Public,
    };

    /// <summary>
    /// A citizen's name is never shown (police reveal a reporter through an audited read); an
    /// official's name is for police eyes only; an erased citizen is a "former resident".
    /// </summary>
    public static EventActor Actor(Actor actor, Audience audience) => actor switch
    {
        _ when WellKnownActors.IsFormerResident(actor) => new(ActorRole.Citizen, WellKnownActors.FormerResidentName),
        { Role: ActorRole.Citizen } => new(ActorRole.Citizen, null),
        _ => new(actor.Role, audience == Audience.Police ? actor.Name : null, actor.City),
    };

    /// <summary>A hidden note keeps its place but shows its text to police only.</summary>
    public static NoteView Note(NoteState note, Audience audience)
    {
        var text = note.Hidden && audience != Audience.Police ? null
            : FreeText(note.Text, audience);
        return new(note.EventId, text, note.Visibility, Actor(note.Author, audience), note.CreatedAt, note.Hidden, note.Language);
    }

    public IncidentView View(Audience audience, bool isOwnReport)
    {
        var summary = Summary(audience);
        var notes = State.Notes
            .Where(n => audience >= AudienceOf(n.Visibility))
            .Select(n => Note(n, audience))
            .ToList();
        return new IncidentView(
            IncidentId,
            audience,
            State.Category,
            Description(audience),
            State.Status,
            State.Severity,
            summary.Location,
            summary.LocationBlurred,
            State.Neighbourhood,
            State.Language,
            State.ReportedAt,
            State.UpdatedAt,
            audience >= Audience.Council ? State.AssignedUnit : null,
            notes,
            State.Timeline.Head.For(audience),
            isOwnReport,
            audience >= Audience.Council || isOwnReport ? State.Attributes : null,
            State.Exercise);
    }

    public IncidentSummary Summary(Audience audience)
    {
        var blurred = audience == Audience.Public;
        var location = blurred ? LocationBlur.Blur(State.Location, Categories.IsSensitive(State.Category), Privacy) : State.Location;
        return new IncidentSummary(IncidentId, State.Category, State.Status, State.Severity, location, blurred, State.Neighbourhood,
            State.ReportedAt, State.UpdatedAt, State.Version);
    }

    /// <summary>An event as <paramref name="audience"/> sees it. Texts come from the state, which keeps them in full.</summary>
    public (EventActor Actor, EventData Data) Event(TimelineEntry<IncidentEvent> entry, Audience audience)
    {
        EventData data = entry.Payload switch
        {
            IncidentReported => new IncidentReportedData(Summary(audience) with { Status = IncidentStatus.Reported, UpdatedAt = entry.OccurredAt }, Description(audience)),
            NoteAdded => new NoteAddedData(IncidentId, Note(State.FindNote(entry.Id)!, audience)),
            StatusChanged e => new StatusChangedData(IncidentId, e.From, e.To, FreeText(e.Reason, audience)),
            UnitAssigned e => new AssignedData(IncidentId, audience >= Audience.Council ? e.Unit : null),
            NoteHidden e => new NoteModeratedData(IncidentId, e.NoteEventId, FreeText(e.Reason, audience)),
            NoteRestored e => new NoteModeratedData(IncidentId, e.NoteEventId, FreeText(e.Reason, audience)),
            var other => throw new InvalidOperationException($"No projection for incident event {other.GetType().Name}."),
        };
        return (Actor(entry.Actor, audience), data);
    }

    private string Description(Audience audience) => FreeText(State.Description, audience);

    /// <summary>Every free text the public reads (descriptions, notes, reasons) goes through the same mask.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    private static string? FreeText(string? text, Audience audience) =>
        audience == Audience.Public && text is not null ? PersonalDataMask.Mask(text) : text;
}
