using Collab.Citizens;
using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;
using Collab.Tests.Infrastructure;
using static Collab.Tests.Grains.Commands;

namespace Collab.Tests.Grains;

/// <summary>Reporter identity apart and audited, personal data masked, erasure, community flags.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PrivacyGrainTests(ClusterFixture fx)
{
    [Fact]
    public async Task OnlyPoliceSeeTheReporterAndEveryReadIsAudited()
    {
        var reporter = Citizen();
        var police = Police();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        await grain.ReportAsync(Report(reporter));

        Assert.Equal(ErrorKind.Forbidden, (await grain.RevealReporterAsync(Council(), "curious")).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await grain.RevealReporterAsync(reporter, "me")).Error!.Kind);
        Assert.Equal(ErrorKind.Invalid, (await grain.RevealReporterAsync(police, "")).Error!.Kind);
        Assert.Empty((await grain.GetAuditAsync(police)).Value!);

        var revealed = (await grain.RevealReporterAsync(police, "call back the witness")).Value!;
        Assert.Equal(reporter.UserId, revealed.UserId);
        var trail = (await grain.GetAuditAsync(police)).Value!;
        var entry = Assert.Single(trail);
        Assert.Equal(police.UserId, entry.ActorId);
        Assert.Equal("reporter.revealed", entry.Action);
        Assert.Equal("call back the witness", entry.Detail);
        Assert.Equal(ErrorKind.Forbidden, (await grain.GetAuditAsync(Council())).Error!.Kind);
    }

    [Fact]
    public async Task PhoneNumbersEmailsAndPlatesAreMaskedInThePublicViewOnly()
    {
        var police = Police();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        await grain.ReportAsync(Report(Citizen()) with { Description = "Car AB-123-C hit a post, mail me at ana@example.org" });
        await grain.AddNoteAsync(new AddNote(Key(), police, "Witness: +31 6 1234 5678, plate 12-ABC-3, lives at number 12", NoteVisibility.Public, "en"));

        var pub = (await grain.GetAsync(Citizen())).Value!;
        Assert.Equal("Car [plate] hit a post, mail me at [e-mail]", pub.Description);
        Assert.Equal("Witness: [phone], plate [plate], lives at number 12", pub.Notes.Single().Text);
        var replayed = (NoteAddedData)(await grain.ReadAsync(Audience.Public, 0, 10)).Events[1].Data;
        Assert.Equal(pub.Notes.Single().Text, replayed.Note.Text);

        var council = (await grain.GetAsync(Council())).Value!;
        Assert.Contains("ana@example.org", council.Description);
        Assert.Contains("+31 6 1234 5678", council.Notes.Single().Text);
    }

    [Fact]
    public async Task ANoteFlaggedByEnoughDistinctCitizensIsHiddenPendingReview()
    {
        var police = Police();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        await grain.ReportAsync(Report(Citizen()));
        var reporter = Citizen();
        var noteId = (await grain.AddNoteAsync(new AddNote(Key(), police, "Public note", NoteVisibility.Public, "en"))).Value!.Notes.Single().EventId;

        var troll = Citizen();
        await grain.FlagAsync(new FlagNote(Key(), troll, noteId, "spam"));
        await grain.FlagAsync(new FlagNote(Key(), troll, noteId, "spam again"));
        await grain.FlagAsync(new FlagNote(Key(), Citizen(), noteId, null));
        Assert.False((await grain.GetAsync(reporter)).Value!.Notes.Single().Hidden);
        Assert.Equal(ErrorKind.Forbidden, (await grain.FlagAsync(new FlagNote(Key(), police, noteId, null))).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await grain.FlagAsync(new FlagNote(Key(), troll, "no-such-note", null))).Error!.Kind);

        await grain.FlagAsync(new FlagNote(Key(), Citizen(), noteId, "abusive"));
        var view = (await grain.GetAsync(reporter)).Value!;
        Assert.True(view.Notes.Single().Hidden);
        var hidden = (await grain.ReadAsync(Audience.Public, 0, 10)).Events.Last();
        Assert.Equal(EventTypes.NoteHidden, hidden.Type);
        Assert.Equal("flagged-pending-review", ((NoteModeratedData)hidden.Data).Reason);
        Assert.Contains((await grain.GetAuditAsync(police)).Value!, a => a.Action == EventTypes.NoteHidden);

        // Review: police restore it, and it is audited too.
        await grain.ModerateAsync(new ModerateNote(Key(), police, noteId, ModerationAction.Restore, "reviewed, fine"));
        Assert.False((await grain.GetAsync(reporter)).Value!.Notes.Single().Hidden);
        Assert.Equal(2, (await grain.GetAuditAsync(police)).Value!.Count);
    }

    [Fact]
    public async Task ErasureAnonymisesTheCitizensIncidentsAndNotesButKeepsTheIncidents()
    {
        var reporter = Citizen();
        var police = Police();
        var id = NewId();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(id);
        await grain.ReportAsync(Report(reporter));
        await grain.AddNoteAsync(new AddNote(Key(), reporter, "I saw it happen", NoteVisibility.Public, "en"));
        var citizen = fx.Grains.GetGrain<ICitizenGrain>(reporter.UserId);

        await citizen.EraseAsync();
        await citizen.EraseAsync();

        var view = (await grain.GetAsync(police)).Value!;
        Assert.Equal("I saw it happen", view.Notes.Single().Text);
        Assert.Equal("former resident", view.Notes.Single().Author.Name);
        Assert.False((await grain.GetAsync(reporter)).Value!.IsOwnReport);
        var revealed = (await grain.RevealReporterAsync(police, "follow-up")).Value!;
        Assert.True(revealed.Erased);
        Assert.Null(revealed.UserId);
        foreach (var e in (await grain.ReadAsync(Audience.Police, 0, 100)).Events)
        {
            Assert.NotEqual(reporter.Name, e.Actor.Name);
        }

        Assert.Equal(ErrorKind.Forbidden, (await grain.AddNoteAsync(new AddNote(Key(), reporter, "again", NoteVisibility.Public, "en"))).Error!.Kind);
        Assert.Empty((await citizen.GetProfileAsync()).Reports);
    }
}
