using Collab.Common;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Realtime;
using Collab.Tests.Infrastructure;
using static Collab.Tests.Grains.Commands;

namespace Collab.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class IncidentGrainTests(ClusterFixture fx)
{
    [Fact]
    public async Task EachAudienceSeesContiguousSequenceNumbersOfWhatItMaySee()
    {
        var reporter = Citizen();
        var police = Police();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        Assert.True((await grain.ReportAsync(Report(reporter))).IsOk);
        await grain.AddNoteAsync(new AddNote(Key(), police, "police only", NoteVisibility.Police, "en"));
        await grain.AddNoteAsync(new AddNote(Key(), police, "for authorities", NoteVisibility.Authorities, "en"));
        await grain.AddNoteAsync(new AddNote(Key(), police, "for all", NoteVisibility.Public, "en"));

        var pub = await grain.ReadAsync(Audience.Public, 0, 100);
        var council = await grain.ReadAsync(Audience.Council, 0, 100);
        var pol = await grain.ReadAsync(Audience.Police, 0, 100);
        Assert.Equal([1L, 2L], pub.Events.Select(e => e.Seq));
        Assert.Equal([1L, 2L, 3L], council.Events.Select(e => e.Seq));
        Assert.Equal([1L, 2L, 3L, 4L], pol.Events.Select(e => e.Seq));
        Assert.Equal(pol.Events[3].Id, pub.Events[1].Id);
        Assert.Equal("for all", ((NoteAddedData)pub.Events[1].Data).Note.Text);
        Assert.DoesNotContain(council.Events, e => e.Data is NoteAddedData { Note.Text: "police only" });

        // Reading after a number returns exactly what follows it.
        Assert.Equal([3L, 4L], (await grain.ReadAsync(Audience.Police, 2, 100)).Events.Select(e => e.Seq));
        Assert.Empty((await grain.ReadAsync(Audience.Public, 2, 100)).Events);
    }

    [Fact]
    public async Task PublicViewNeverHoldsTheReporterNorNonPublicNotesAndBlursTheLocation()
    {
        var reporter = Citizen();
        var police = Police();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        await grain.ReportAsync(Report(reporter, "violence"));
        await grain.AddNoteAsync(new AddNote(Key(), police, "police only", NoteVisibility.Police, "en"));
        await grain.AddNoteAsync(new AddNote(Key(), police, "authorities", NoteVisibility.Authorities, "en"));

        var pub = (await grain.GetAsync(Citizen())).Value!;
        Assert.Empty(pub.Notes);
        Assert.True(pub.LocationBlurred);
        Assert.NotEqual(52.0712, pub.Location.Lat);
        Assert.False(pub.IsOwnReport);
        Assert.True((await grain.GetAsync(reporter)).Value!.IsOwnReport);

        var council = (await grain.GetAsync(Council())).Value!;
        Assert.Equal(["authorities"], council.Notes.Select(n => n.Text));
        Assert.False(council.LocationBlurred);

        var pol = (await grain.GetAsync(police)).Value!;
        Assert.Equal(2, pol.Notes.Count);

        // No view and no event names the citizen who reported, for any audience.
        foreach (var audience in new[] { Audience.Public, Audience.Council, Audience.Police })
        {
            var events = (await grain.ReadAsync(audience, 0, 100)).Events;
            Assert.All(events.Where(e => e.Actor.Role == ActorRole.Citizen), e => Assert.Null(e.Actor.Name));
        }
    }

    public static TheoryData<string, IncidentStatus[], ActorRole, IncidentStatus, ErrorKind?> Transitions => new()
    {
        { "theft", [], ActorRole.Police, IncidentStatus.Acknowledged, null },
        { "theft", [], ActorRole.Police, IncidentStatus.Dispatched, ErrorKind.Conflict },
        { "theft", [], ActorRole.Police, IncidentStatus.Closed, ErrorKind.Conflict },
        { "theft", [IncidentStatus.Acknowledged], ActorRole.Police, IncidentStatus.Dispatched, null },
        { "theft", [IncidentStatus.Acknowledged, IncidentStatus.Dispatched], ActorRole.Police, IncidentStatus.Resolved, null },
        { "theft", [IncidentStatus.Acknowledged, IncidentStatus.Dispatched, IncidentStatus.Resolved], ActorRole.Police, IncidentStatus.Closed, null },
        { "theft", [IncidentStatus.Rejected], ActorRole.Police, IncidentStatus.Acknowledged, ErrorKind.Conflict },
        { "theft", [], ActorRole.Council, IncidentStatus.Acknowledged, ErrorKind.Forbidden },
        { "public-space", [], ActorRole.Council, IncidentStatus.Acknowledged, null },
        { "public-space", [IncidentStatus.Acknowledged], ActorRole.Council, IncidentStatus.Dispatched, ErrorKind.Forbidden },
        { "public-space", [IncidentStatus.Acknowledged], ActorRole.Council, IncidentStatus.Resolved, null },
        { "noise", [], ActorRole.Council, IncidentStatus.Duplicate, null },
        { "noise", [], ActorRole.Citizen, IncidentStatus.Acknowledged, ErrorKind.Forbidden },
        { "noise", [], ActorRole.Operator, IncidentStatus.Acknowledged, ErrorKind.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task StatusTransitionsFollowTheRules(string category, IncidentStatus[] path, ActorRole role, IncidentStatus to, ErrorKind? expected)
    {
        var police = Police();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        await grain.ReportAsync(Report(Citizen(), category));
        foreach (var step in path)
        {
            Assert.True((await grain.ChangeStatusAsync(new ChangeStatus(Key(), police, step, null))).IsOk);
        }

        var head = (await grain.ReadAsync(Audience.Police, 0, 1)).Head;
        var actor = new Actor(role, $"{role}-{Guid.NewGuid():N}", null, "en");
        var outcome = await grain.ChangeStatusAsync(new ChangeStatus(Key(), actor, to, "because"));
        Assert.Equal(expected, outcome.Error?.Kind);
        var after = (await grain.ReadAsync(Audience.Police, 0, 1)).Head;
        Assert.Equal(expected is null ? head + 1 : head, after);
    }

    [Fact]
    public async Task ACommandWithoutAKeyIsAlwaysNewAndPushesNoCallersKeyOutOfMemory()
    {
        var police = Police();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        Assert.True((await grain.ReportAsync(Report(Citizen()) with { IdempotencyKey = null })).IsOk);
        var keyed = new AssignUnit(Key(), police, "U1");
        Assert.True((await grain.AssignAsync(keyed)).IsOk);

        // More keyless commands than the incident remembers keys: each is new, none is remembered.
        for (var i = 0; i < IncidentState.RememberedKeys + 10; i++)
        {
            Assert.True((await grain.AssignAsync(new AssignUnit(null, police, "U2"))).IsOk);
        }

        var head = (await grain.ReadAsync(Audience.Police, 0, 1)).Head;
        Assert.Equal(2 + IncidentState.RememberedKeys + 10, head);

        // So the dispatcher's keyed command is still recognised when retried: answered, not done again.
        Assert.Equal("U2", (await grain.AssignAsync(keyed)).Value!.AssignedUnit);
        Assert.Equal(head, (await grain.ReadAsync(Audience.Police, 0, 1)).Head);
        Assert.Equal(ErrorKind.Unprocessable, (await grain.AssignAsync(keyed with { Unit = "U3" })).Error!.Kind);
    }

    [Fact]
    public async Task TheSameCommandTwiceAddsNothing()
    {
        var police = Police();
        var reporter = Citizen();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        var report = Report(reporter);
        await grain.ReportAsync(report);
        Assert.True((await grain.ReportAsync(report)).IsOk);
        Assert.Equal(ErrorKind.Conflict, (await grain.ReportAsync(report with { IdempotencyKey = Key() })).Error!.Kind);

        var note = new AddNote(Key(), police, "once", NoteVisibility.Public, "en");
        await grain.AddNoteAsync(note);
        await grain.AddNoteAsync(note);
        var status = new ChangeStatus(Key(), police, IncidentStatus.Acknowledged, null);
        await grain.ChangeStatusAsync(status);
        Assert.True((await grain.ChangeStatusAsync(status)).IsOk);
        var assign = new AssignUnit(Key(), police, "U1");
        await grain.AssignAsync(assign);
        await grain.AssignAsync(assign);

        var events = (await grain.ReadAsync(Audience.Police, 0, 100)).Events;
        Assert.Equal([EventTypes.IncidentReported, EventTypes.NoteAdded, EventTypes.StatusChanged, EventTypes.Assigned], events.Select(e => e.Type));

        // The key is the caller's: another officer using the same key is another command.
        Assert.True((await grain.AddNoteAsync(note with { Actor = Police() })).IsOk);
        Assert.Equal(5, (await grain.ReadAsync(Audience.Police, 0, 100)).Head);
    }

    [Fact]
    public async Task ModerationHidesAndRestoresOnlyPublicNotes()
    {
        var police = Police();
        var council = Council();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        await grain.ReportAsync(Report(Citizen()));
        var view = (await grain.AddNoteAsync(new AddNote(Key(), police, "call 0612345678", NoteVisibility.Public, "en"))).Value!;
        var noteId = view.Notes.Single().EventId;

        Assert.True((await grain.ModerateAsync(new ModerateNote(Key(), council, noteId, ModerationAction.Hide, "personal data"))).IsOk);
        Assert.Equal(ErrorKind.Conflict, (await grain.ModerateAsync(new ModerateNote(Key(), council, noteId, ModerationAction.Hide, "again"))).Error!.Kind);
        var pub = (await grain.GetAsync(Citizen())).Value!;
        Assert.True(pub.Notes.Single().Hidden);
        Assert.Null(pub.Notes.Single().Text);
        var replay = await grain.ReadAsync(Audience.Public, 0, 100);
        Assert.Null(((NoteAddedData)replay.Events[1].Data).Note.Text);
        Assert.Equal(EventTypes.NoteHidden, replay.Events[2].Type);

        Assert.True((await grain.ModerateAsync(new ModerateNote(Key(), police, noteId, ModerationAction.Restore, "fine"))).IsOk);
        Assert.Equal("call [phone]", (await grain.GetAsync(Citizen())).Value!.Notes.Single().Text);
        Assert.Equal("call 0612345678", (await grain.GetAsync(council)).Value!.Notes.Single().Text);
        Assert.Equal(ErrorKind.Forbidden, (await grain.ModerateAsync(new ModerateNote(Key(), Citizen(), noteId, ModerationAction.Hide, "x"))).Error!.Kind);
    }

    [Fact]
    public async Task NeighbourhoodKeepsActiveIncidentsAndCountsAndBlursThePublicView()
    {
        var police = Police();
        var slug = "oosterhout";
        var hood = fx.Grains.GetGrain<INeighbourhoodGrain>(slug);
        var before = (await hood.GetAsync(Audience.Police)).Value!;
        var id = NewId();
        var grain = fx.Grains.GetGrain<IIncidentGrain>(id);
        var view = (await grain.ReportAsync(Report(Citizen(), "noise", lat: 52.09, lon: 4.33))).Value!;
        Assert.Equal(slug, view.Neighbourhood);

        var exact = (await hood.GetAsync(Audience.Police)).Value!;
        var pub = (await hood.GetAsync(Audience.Public)).Value!;
        Assert.Contains(exact.ActiveIncidents, i => i.Id == id && !i.LocationBlurred && i.Location.Lat == 52.09);
        Assert.Contains(pub.ActiveIncidents, i => i.Id == id && i.LocationBlurred);
        Assert.Equal(before.CountsLast24h.GetValueOrDefault("noise") + 1, exact.CountsLast24h["noise"]);
        Assert.Equal(before.Seq + 1, exact.Seq);

        await grain.ChangeStatusAsync(new ChangeStatus(Key(), police, IncidentStatus.Rejected, "prank"));
        var after = (await hood.GetAsync(Audience.Police)).Value!;
        Assert.DoesNotContain(after.ActiveIncidents, i => i.Id == id);
        Assert.Equal(exact.CountsLast24h["noise"], after.CountsLast24h["noise"]);

        // A stale or repeated change is ignored.
        var stale = new IncidentChange(Key(), exact.ActiveIncidents.First(i => i.Id == id), pub.ActiveIncidents.First(i => i.Id == id));
        await hood.OnIncidentChangedAsync(stale);
        Assert.DoesNotContain((await hood.GetAsync(Audience.Police)).Value!.ActiveIncidents, i => i.Id == id);
        Assert.Equal(ErrorKind.NotFound, (await fx.Grains.GetGrain<INeighbourhoodGrain>("atlantis").GetAsync(Audience.Public)).Error!.Kind);
    }

    [Fact]
    public async Task ObserversReceiveEachAudiencesProjection()
    {
        var observer = new RecordingObserver();
        var reference = fx.Grains.CreateObjectReference<IStreamObserver>(observer);
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        await grain.ReportAsync(Report(Citizen()));
        var head = await grain.SubscribeAsync(reference);
        Assert.Equal(1, head.Police);

        await grain.AddNoteAsync(new AddNote(Key(), Police(), "police only", NoteVisibility.Police, "en"));
        var batch = await observer.Next.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([Audience.Police], batch.Events.Select(e => e.Audience));
        Assert.Equal(2, batch.Events[0].Event.Seq);
        Assert.Equal(new StreamHead(1, 1, 2), batch.Head);
        await grain.UnsubscribeAsync(reference);
        fx.Grains.DeleteObjectReference<IStreamObserver>(reference);
    }

    /// <summary>
    /// A gateway that follows some audiences is sent their views only, with the head of all; one
    /// that renews with another set gets that set from then on; an event none of its audiences may
    /// see sends it nothing, while an observer of every audience still gets it.
    /// </summary>
    [Fact]
    public async Task FollowersAreSentOnlyTheAudiencesTheyRead()
    {
        var citizens = new QueueObserver();
        var everyone = new QueueObserver();
        var citizensRef = fx.Grains.CreateObjectReference<IStreamObserver>(citizens);
        var everyoneRef = fx.Grains.CreateObjectReference<IStreamObserver>(everyone);
        var grain = fx.Grains.GetGrain<IIncidentGrain>(NewId());
        await grain.ReportAsync(Report(Citizen()));
        await grain.FollowAsync(citizensRef, [Audience.Public]);
        await grain.SubscribeAsync(everyoneRef);

        await grain.AddNoteAsync(new AddNote(Key(), Police(), "for all", NoteVisibility.Public, "en"));
        var publicOnly = await citizens.NextAsync();
        Assert.Equal([Audience.Public], publicOnly.Events.Select(e => e.Audience));
        Assert.Equal(new StreamHead(2, 2, 2), publicOnly.Head);
        Assert.Equal([Audience.Public, Audience.Council, Audience.Police], (await everyone.NextAsync()).Events.Select(e => e.Audience));

        // Police only: the citizens' gateway hears nothing of it.
        await grain.AddNoteAsync(new AddNote(Key(), Police(), "police only", NoteVisibility.Police, "en"));
        Assert.Equal([Audience.Police], (await everyone.NextAsync()).Events.Select(e => e.Audience));

        // Renewed with council as well: the next event comes in both views.
        await grain.FollowAsync(citizensRef, [Audience.Public, Audience.Council]);
        await grain.AddNoteAsync(new AddNote(Key(), Police(), "for all again", NoteVisibility.Public, "en"));
        var both = await citizens.NextAsync();
        Assert.Equal([Audience.Public, Audience.Council], both.Events.Select(e => e.Audience));
        Assert.Equal(new StreamHead(3, 3, 4), both.Head);
        Assert.Equal(0, citizens.Waiting);

        await grain.UnsubscribeAsync(citizensRef);
        await grain.UnsubscribeAsync(everyoneRef);
        fx.Grains.DeleteObjectReference<IStreamObserver>(citizensRef);
        fx.Grains.DeleteObjectReference<IStreamObserver>(everyoneRef);
    }

    private sealed class QueueObserver : IStreamObserver
    {
        private readonly System.Threading.Channels.Channel<StreamBatch> _batches = System.Threading.Channels.Channel.CreateUnbounded<StreamBatch>();

        public int Waiting => _batches.Reader.Count;

        public Task OnEventsAsync(StreamBatch batch)
        {
            _batches.Writer.TryWrite(batch);
            return Task.CompletedTask;
        }

        public async Task<StreamBatch> NextAsync() => await _batches.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class RecordingObserver : IStreamObserver
    {
        public TaskCompletionSource<StreamBatch> Next { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnEventsAsync(StreamBatch batch)
        {
            Next.TrySetResult(batch);
            return Task.CompletedTask;
        }
    }
}
