using System.Text.Json;
using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;

namespace Collab.Tests.Grains;

/// <summary>
/// The incident event log's JSON is a schema: rows written before one record per event type
/// existed (a single fact record with every field) still read back as the record of their type.
/// </summary>
public sealed class IncidentLogPayloadTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 21, 0, 0, TimeSpan.Zero);

    // Each fact as the earlier single fact record wrote it (nulls left out, enums by name).
    public static TheoryData<string, string, object> OldFacts => new()
    {
        {
            EventTypes.IncidentReported,
            """{"to":"Reported","category":"vandalism","description":"Glass smashed","location":{"lat":52.0712,"lon":4.2811,"accuracyM":10},"severity":"Medium","language":"nl","neighbourhood":"centrum"}""",
            new IncidentReported("vandalism", "Glass smashed", new GeoPoint(52.0712, 4.2811, 10), Severity.Medium, "nl", "centrum")
        },
        { EventTypes.NoteAdded, """{"language":"nl","text":"Unit on its way","noteVisibility":"Authorities"}""", new NoteAdded("Unit on its way", NoteVisibility.Authorities, "nl") },
        { EventTypes.StatusChanged, """{"from":"Reported","to":"Acknowledged","reason":"seen"}""", new StatusChanged(IncidentStatus.Reported, IncidentStatus.Acknowledged, "seen") },
        { EventTypes.StatusChanged, """{"from":"Acknowledged","to":"Dispatched"}""", new StatusChanged(IncidentStatus.Acknowledged, IncidentStatus.Dispatched, null) },
        { EventTypes.Assigned, """{"unit":"Unit 7"}""", new UnitAssigned("Unit 7") },
        { EventTypes.NoteHidden, """{"noteEventId":"e-1","reason":"flagged-pending-review"}""", new NoteHidden("e-1", "flagged-pending-review") },
        { EventTypes.NoteRestored, """{"noteEventId":"e-1","reason":"fine"}""", new NoteRestored("e-1", "fine") },
    };

    [Theory]
    [MemberData(nameof(OldFacts))]
    public void ARowWrittenWithTheSingleFactRecordReadsAsTheRecordOfItsType(string type, string fact, object expected)
    {
        var row = Row(type, $$"""{"visibility":"Council","seqPublic":3,"seqCouncil":5,"actor":{"role":"Police","userId":"p-1","name":"Desk 4","language":"nl"},"fact":{{fact}},"key":"p-1\nk"}""");

        var (entry, read, key) = IncidentLogPayload.Read(row);

        Assert.Equal(expected, read);
        Assert.Equal(type, read.Type);
        Assert.Equal(((IncidentEvent)expected).Lean(), entry.Payload);
        Assert.Equal((row.EventId, type, At, Audience.Council, 3L, 5L, 7L), (entry.Id, entry.Type, entry.OccurredAt, entry.Visibility, entry.SeqPublic, entry.SeqCouncil, entry.SeqPolice));
        Assert.Equal(new Actor(ActorRole.Police, "p-1", "Desk 4", "nl"), entry.Actor);
        Assert.Equal("p-1\nk", key);
    }

    [Fact]
    public void AReportsAnswersAreLoggedAndReadBackWhileRowsWithoutThemReadAsNone()
    {
        var reported = new IncidentReported("violence", "Fight", new GeoPoint(52.0712, 4.2811, 10), Severity.High, "nl", "centrum",
            new Dictionary<string, string> { ["injured"] = "yes" });
        var json = JsonSerializer.Serialize(reported, EventLogJson.Options);
        Assert.Contains("\"attributes\":{\"injured\":\"yes\"}", json);
        var read = JsonSerializer.Deserialize<IncidentReported>(json, EventLogJson.Options)!;
        Assert.Equal("yes", read.Attributes!["injured"]);
        Assert.DoesNotContain("attributes", JsonSerializer.Serialize(reported with { Attributes = null }, EventLogJson.Options));
    }

    [Fact]
    public void ARowOfAnUnknownTypeFailsInsteadOfBeingSkipped()
    {
        var row = Row("incident.teleported", """{"visibility":"Public","seqPublic":1,"seqCouncil":1,"actor":{"role":"Police","userId":"p-1","language":"nl"},"fact":{}}""");

        Assert.Throws<InvalidOperationException>(() => IncidentLogPayload.Read(row));
    }

    [Theory]
    [MemberData(nameof(OldFacts))]
    public void ANewRowKeepsTheLogsPropertyNamesAndReadsBack(string type, string oldFact, object fact)
    {
        var incidentEvent = (IncidentEvent)fact;
        var timeline = new Timeline<IncidentEvent>();
        var entry = timeline.Append(type, new Actor(ActorRole.Council, "c-9", null, "en"), Audience.Public, incidentEvent.Lean(), At, 10);

        var json = IncidentLogPayload.Write(entry, incidentEvent, "c-9\nk");

        using var written = JsonDocument.Parse(json);
        Assert.Equal(["visibility", "seqPublic", "seqCouncil", "actor", "fact", "key"], written.RootElement.EnumerateObject().Select(p => p.Name));
        using var old = JsonDocument.Parse(oldFact);
        var expectedNames = old.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !(type == EventTypes.IncidentReported && n == "to"));
        Assert.Equal(expectedNames.Order(), written.RootElement.GetProperty("fact").EnumerateObject().Select(p => p.Name).Order());

        var (back, read, key) = IncidentLogPayload.Read(new LoggedEvent("incident:i-1", entry.SeqPolice, entry.Id, type, At, json));
        Assert.Equal(incidentEvent, read);
        Assert.Equal("c-9\nk", key);
        Assert.Equal(entry.Actor, back.Actor);
    }

    private static LoggedEvent Row(string type, string payload) => new("incident:i-1", 7, "e-7", type, At, payload);
}
