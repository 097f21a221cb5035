using System.Reflection;
using System.Text.Json;
using Collab.Citizens;
using Collab.Common;
using Collab.Exercises;
using Collab.Federation;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Realtime;
using Collab.Research;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Collab.Tests.Grains;

/// <summary>
/// Every contract and persisted state type survives an Orleans serializer round trip. A type
/// marked [GenerateSerializer] without a sample here fails the coverage test.
/// </summary>
public sealed class SerializationTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 21, 0, 0, TimeSpan.Zero);
    private static readonly Actor Actor = new(ActorRole.Police, "p-1", "Officer", "nl", City: "city-b");
    private static readonly GeoPoint Point = new(52.07, 4.28, 12);
    private static readonly IncidentSummary Summary = new("i-1", "noise", IncidentStatus.Dispatched, Severity.High, Point, true, "centrum", At, At, 3);
    private static readonly NoteView Note = new("e-1", "text", NoteVisibility.Authorities, new EventActor(ActorRole.Council, null), At, false, "en");
    private static readonly CitizenNotification Notification = new("e-2", "report.assigned", "i-1", IncidentStatus.Dispatched, "A unit was assigned.");
    private static readonly IncidentChange Change = new("e-3", Summary, Summary with { LocationBlurred = false });
    private static readonly StreamEvent Event = new("incident:i-1", 4, "e-4", EventTypes.StatusChanged, At, new EventActor(ActorRole.Police, "Officer"), new StatusChangedData("i-1", IncidentStatus.Reported, IncidentStatus.Acknowledged, "seen"), Exercise: "x-1");

    private static readonly ScenarioStep Step = new(12.5, ScenarioStepKind.Report, "r1", "Fight outside the bar", "violence", Point, Severity.High,
        NoteVisibility.Authorities, IncidentStatus.Dispatched, "U3", "centrum", "Crowd on the quay");
    private static readonly ExerciseView ExerciseViewSample = new("x-1", "Night patrol", ExerciseStatus.Running, 10, 3, 50, 42.5, At,
        new Dictionary<string, string> { ["r1"] = "i-1" }, [new ExerciseInject(30, At, "Radio")], ["steps[2] refused"], ["a-1"], "Trainer Bianchi");
    private static readonly ExerciseSummary ExerciseSummarySample = new("x-1", "Night patrol", ExerciseStatus.Paused, "Trainer Bianchi", At, 3, 50, 10, 7);
    private static readonly ExerciseEventData ExerciseEvent = new(ExerciseStatus.Running, 3, 50, 42.5,
        new ExerciseStepData(2, ScenarioStepKind.Alert, 40, "r1", "i-1", "a-1"), "Radio: all units");
    private static readonly DebriefEntry Entry = new(At, EventTypes.StatusChanged, "r1", "i-1", ActorRole.Police, "Officer", "reported → acknowledged");
    private static readonly DebriefIncident Response = new("r1", "i-1", At, At.AddSeconds(5), "Officer", At.AddSeconds(9), "Officer", At.AddSeconds(60), "Officer B");

    private static readonly Collab.Alerts.AlertView Alert = new("a-1", "centrum", "nl", "Severe", "Immediate", "Likely", At, null,
        new Dictionary<string, Collab.Alerts.AlertText> { ["nl"] = new("Kop", "Tekst") }, ActorRole.Council, "demo-city", "x-1");

    private static readonly SharedIncident Shared = new("i-1", "city-b", Audience.Public, "noise", "Loud", IncidentStatus.Reported, Severity.Low, Point, true,
        "centrum", "nl", At, At, null, [Note], Exercise: "x-1");

    private static readonly SharedChange SharedChangeSample = new("e-5", EventTypes.StatusChanged, At, Shared);

    private static readonly object[] Samples =
    [
        Shared,
        SharedChangeSample,
        new FederatedEvent(3, "e-5", EventTypes.NoteAdded, At, Shared with { Audience = Audience.Council, AssignedUnit = "U1" }),
        new FederatedBatch("city-b", "epoch-1", Audience.Public, 1, [new FederatedEvent(1, "e-6", EventTypes.IncidentReported, At, Shared)], Head: 7),
        new InboundResult(false, 41, 0),
        new PartnerIncidentData(EventTypes.IncidentReported, Shared, "e-7"),
        new PartnerLinkHealth("city-b", 10, 7, At, "HTTP 503", At, At, LinkCircuit.HalfOpen),
        new PartnerNote("n-1", "Unit 7 of city-b is on its way", "nl", "Officer"),
        new PartnerMirrorStatus("city-b", "epoch-1", 12, At, At, "timeout"),
        new PartnerLinkState { Timeline = TimelineSample(SharedChangeSample), Epoch = "epoch-1", DeliveredThrough = 1, LastSuccessAt = At, LastError = "timeout", LastErrorAt = At, Clean = true },
        new PartnerMirrorState { Timeline = TimelineSample(SharedChangeSample), Incidents = new() { ["i-1"] = Shared }, Epoch = "epoch-1", AppliedThrough = 2, SharedAudience = Audience.Council, LastAppliedAt = At },
        Actor,
        Point,
        CommandError.Conflict("already-hidden", "The note is already hidden.") with { Exercise = "x-1" },
        Outcome<IncidentView>.Fail(CommandError.NotFound("incident-not-found", "No such incident.")),
        new EventActor(ActorRole.Police, null, "city-b"),
        Event,
        new AudienceEvent(Audience.Council, Event),
        new StreamBatch("incident:i-1", [new AudienceEvent(Audience.Police, Event)], new StreamHead(1, 2, 4), new DateTimeOffset(2026, 11, 29, 22, 0, 0, TimeSpan.Zero)),
        new StreamHead(1, 2, 3),
        new StreamPage(true, [Event], 4, false),
        new ReportIncident("k", Actor, "noise", "Loud", Point, Severity.Low, "en", new Dictionary<string, string> { ["crowd"] = "many" }, Exercise: "x-1"),
        new AddNote("k", Actor, "text", NoteVisibility.Police, "en"),
        new ChangeStatus("k", Actor, IncidentStatus.Resolved, "done"),
        new AssignUnit("k", Actor, "Unit 9"),
        new ModerateNote("k", Actor, "e-1", ModerationAction.Restore, "fine"),
        new ReporterView("c-1", "Ana"),
        Note,
        Summary,
        new IncidentView("i-1", Audience.Police, "noise", "Loud", IncidentStatus.Reported, Severity.Critical, Point, false, "centrum", "en", At, At, "U1", [Note], 7, false,
            new Dictionary<string, string> { ["injured"] = "no" }, Exercise: "x-1"),
        new IncidentReportedData(Summary, "Loud"),
        new NoteAddedData("i-1", Note),
        new StatusChangedData("i-1", IncidentStatus.Acknowledged, IncidentStatus.Dispatched, null),
        new AssignedData("i-1", null),
        new NoteModeratedData("i-1", "e-1", "personal data"),
        new NeighbourhoodInfo("centrum", "Centrum", Point),
        new NeighbourhoodView(new NeighbourhoodInfo("centrum", "Centrum", Point), Audience.Public, [Summary], new Dictionary<string, int> { ["noise"] = 2 }, 9),
        new NeighbourhoodIncidentUpdatedData("centrum", Summary),
        Change,
        new CitizenProfile("Ana", "nl", ["centrum"], ["i-1"], 3),
        Notification,
        new UpdateProfile(null, "fr"),
        IncidentStateSample(),
        new NoteState { EventId = "e-1", Text = "t", Visibility = NoteVisibility.Public, Author = Actor, CreatedAt = At, Hidden = true, Language = "en", Flaggers = ["ab12"] },
        new ReporterState { UserId = "c-1", Name = "Ana", Role = ActorRole.Citizen, Erased = false },
        new AuditState { Entries = [new AuditEntry(At, ActorRole.Police, "p-1", "reporter.revealed", "callback")] },
        new AuditEntry(At, ActorRole.Council, "c-9", EventTypes.NoteHidden, null),
        new FlagNote("k", Actor, "e-1", "abuse"),
        new Collab.Access.Revocation("c-1", At),
        new Collab.Alerts.AlertText("Headline", "Description"),
        Alert,
        new Collab.Alerts.IssueAlert("k", Actor, "centrum", "nl", new Collab.Alerts.AlertText("Kop", "Tekst"), "Severe", "Immediate", "Likely", At, new Dictionary<string, Collab.Alerts.AlertText> { ["en"] = new("Head", "Text") }, "x-1"),
        new Collab.Alerts.AlertIssuedData(Alert),
        new Collab.Alerts.AlertState { Alert = Alert },
        new Collab.Alerts.CityState { Timeline = TimelineSample(Alert) },
        new Collab.Access.RevocationState { IssuedBefore = new() { ["c-1"] = At } },
        new IncidentReported("noise", "Loud party", Point, Severity.High, "nl", "centrum", new Dictionary<string, string> { ["crowd"] = "few" }, Exercise: "x-1"),
        new LegacyIncidentFact(IncidentStatus.Reported, IncidentStatus.Acknowledged, "U1", "e-1", "why", "noise", "Loud party", Point, Severity.High, "nl", "centrum", "A note", NoteVisibility.Authorities),
        new NoteAdded("A note", NoteVisibility.Authorities, "nl"),
        new StatusChanged(IncidentStatus.Reported, IncidentStatus.Acknowledged, "why"),
        new UnitAssigned("U1"),
        new NoteHidden("e-1", "why"),
        new NoteRestored("e-1", null),
        new StreamConflictException("incident:i-1 seq 2 is taken"),
        TimelineSample<IncidentEvent>(new UnitAssigned("U2")),
        TimelineSample(Change).Entries[0],
        NeighbourhoodStateSample(),
        new HourlyCount { Hour = At, Category = "noise", Count = 3, Acknowledged = TallySample(), Resolved = TallySample() },
        TallySample(),
        new HourlyHistory(At, "noise", 6, new ResponseTimes(2, 1_500, [1, 0, 1, 0, 0, 0, 0, 0]), ResponseTimes.None, new ResponseTimes(1, 90_000, [0, 0, 0, 0, 0, 0, 0, 1])),
        new ResponseTimes(5, 3_000, [1, 2, 2, 0, 0, 0, 0, 0]),
        Step,
        new Scenario("Night patrol", [Step, Step with { Kind = ScenarioStepKind.Inject, Ref = null, Text = "Radio: all units" }]),
        ExerciseViewSample,
        new ExerciseInject(30, At, "Radio: all units"),
        Entry,
        Response,
        new ExerciseDebrief(ExerciseViewSample, [Entry], [Response]),
        ExerciseEvent,
        new ExerciseStepData(4, ScenarioStepKind.Inject, 30.5),
        ExerciseSummarySample,
        new ExerciseRegistryState { Exercises = new() { ["x-1"] = ExerciseSummarySample } },
        new ExerciseState
        {
            Scenario = new Scenario("Night patrol", [Step]), Status = ExerciseStatus.Paused, Speed = 10, NextStep = 1, ElapsedBefore = 12.5,
            RunningSince = At, StartedAt = At, Incidents = new() { ["r1"] = "i-1" }, Injects = [new ExerciseInject(3, At, "go")],
            Log = [Entry], Problems = ["steps[1] refused"], Trainer = Actor, ClockRunning = true, Alerts = ["a-1"], Timeline = TimelineSample(ExerciseEvent),
        },
        new CitizenState { DisplayName = "Ana", Language = "nl", Follows = ["centrum"], Reports = ["i-1"], Timeline = TimelineSample(Notification) },
    ];

    public static TheoryData<string> SampleNames => new(Samples.Select(s => s.GetType().Name));

    private readonly Serializer _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void RoundTripKeepsEveryField(string name)
    {
        var sample = Samples.First(s => s.GetType().Name == name);
        var copy = _serializer.Deserialize<object>(_serializer.SerializeToArray<object>(sample));
        Assert.IsType(sample.GetType(), copy);
        Assert.Equal(Json(sample), Json(copy));
    }

    /// <summary>
    /// Stored snapshots outlive deployments: the pooled snapshot serializer writes the stock
    /// Orleans storage serializer's bytes exactly, and each reads what the other wrote.
    /// </summary>
    [Theory]
    [MemberData(nameof(SampleNames))]
    public void SnapshotSerializerWritesTheStockFormat(string name)
    {
        var sample = Samples.First(s => s.GetType().Name == name);
        var stock = new Orleans.Storage.OrleansGrainStorageSerializer(_serializer);
        var pooled = new Collab.Hosting.SnapshotSerializer(_serializer);

        var written = pooled.Serialize<object>(sample);
        Assert.Equal(stock.Serialize<object>(sample).ToArray(), written.ToArray());
        Assert.Equal(Json(sample), Json(stock.Deserialize<object>(written)!));
        Assert.Equal(Json(sample), Json(pooled.Deserialize<object>(stock.Serialize<object>(sample))!));
    }

    [Fact]
    public void EverySerializableTypeHasASample()
    {
        var covered = Samples.Select(s => s.GetType()).Select(t => t.IsGenericType ? t.GetGenericTypeDefinition() : t).ToHashSet();
        var serializable = new[] { typeof(Actor).Assembly, typeof(IncidentState).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null && !t.IsAbstract)
            .ToList();
        Assert.NotEmpty(serializable);
        Assert.Empty(serializable.Where(t => !covered.Contains(t)).Select(t => t.FullName));
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), new JsonSerializerOptions { IncludeFields = false });

    private static Timeline<T> TimelineSample<T>(T payload)
    {
        var timeline = new Timeline<T>();
        timeline.Append("t.one", Actor, Audience.Police, payload, At, 10);
        timeline.Append("t.two", Actor, Audience.Public, payload, At, 10);
        return timeline;
    }

    private static IncidentState IncidentStateSample() => new()
    {
        Reported = true,
        Category = "noise",
        Description = "Loud",
        Location = Point,
        Severity = Severity.High,
        Language = "nl",
        Neighbourhood = "centrum",
        Status = IncidentStatus.Acknowledged,
        ReportedAt = At,
        UpdatedAt = At,
        AssignedUnit = "U1",
        Notes = [new NoteState { EventId = "e", Text = "t", Author = Actor }],
        Timeline = TimelineSample<IncidentEvent>(new StatusChanged(IncidentStatus.Reported, IncidentStatus.Acknowledged, null)),
        ProcessedKeys = ["c-1\nk"],
        Version = 2,
        Attributes = new() { ["injured"] = "yes" },
        Exercise = "x-1",
    };

    private static ResponseTally TallySample()
    {
        var tally = new ResponseTally();
        tally.Add(TimeSpan.FromMinutes(7));
        tally.Add(TimeSpan.FromHours(3));
        return tally;
    }

    private static NeighbourhoodState NeighbourhoodStateSample() => new()
    {
        Active = new() { ["i-1"] = Change },
        Hourly = [new HourlyCount { Hour = At, Category = "noise", Count = 3, Dispatched = TallySample() }],
        Timeline = TimelineSample(Change),
        Versions = new() { ["i-1"] = 3 },
    };
}
