using System.Text.Json;
using Collab.Common;
using Collab.Gateway.Localization;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Collab.Realtime;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Gateway;

/// <summary>
/// An event's data is rendered once per group and written as it is by every writer: JSON (hub and
/// REST) and MessagePack read the same document, with the group's translations in it.
/// </summary>
public sealed class EventPayloadTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static readonly Translations Texts = new ServiceCollection()
        .AddLogging()
        .AddSingleton(Collab.Categories.CityCategories.Demo)
        .AddCollabLocalization()
        .BuildServiceProvider()
        .GetRequiredService<Translations>();

    private static StreamEvent Updated() => new("neighbourhood:centrum", 7, "e-7", EventTypes.NeighbourhoodIncidentUpdated, At,
        new EventActor(ActorRole.Police, null),
        new NeighbourhoodIncidentUpdatedData("centrum", new IncidentSummary("i-1", "vandalism", IncidentStatus.Dispatched, Severity.High,
            new GeoPoint(52.0712, 4.2811, 250), true, "centrum", At, At, 3)));

    [Fact]
    public void JsonCarriesTheDataAndTheGroupsTranslations()
    {
        var envelope = EnvelopeMapper.Map(Updated(), "nl", Texts);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(envelope, WireFormat.EventData));
        var incident = json.RootElement.GetProperty("data").GetProperty("incident");

        Assert.Equal("centrum", json.RootElement.GetProperty("data").GetProperty("neighbourhood").GetString());
        Assert.Equal("dispatched", incident.GetProperty("status").GetString());
        Assert.Equal(Texts.StatusName(IncidentStatus.Dispatched, "nl"), incident.GetProperty("statusName").GetString());
        Assert.Equal(Texts.SeverityName(Severity.High, "nl"), incident.GetProperty("severityName").GetString());
        Assert.Equal(Texts.CategoryName("vandalism", "nl"), incident.GetProperty("categoryName").GetString());
        Assert.NotEqual(Texts.StatusName(IncidentStatus.Dispatched, "en"), incident.GetProperty("statusName").GetString());
        Assert.Equal(52.0712, incident.GetProperty("location").GetProperty("lat").GetDouble());
        Assert.Equal(3, incident.GetProperty("version").GetInt64());
    }

    [Fact]
    public void AStatusChangeGetsItsNamesAndKeepsItsTextAsWritten()
    {
        var reason = "Seen \"now\" — près du café <b>";
        var changed = new StreamEvent("incident:i-1", 4, "e-4", EventTypes.StatusChanged, At, new EventActor(ActorRole.Police, "Officer"),
            new StatusChangedData("i-1", IncidentStatus.Reported, IncidentStatus.Acknowledged, reason));
        var data = (EventPayload)EnvelopeMapper.Map(changed, "de", Texts).Data;
        using var json = JsonDocument.Parse(data.Utf8);

        Assert.Equal(reason, json.RootElement.GetProperty("reason").GetString());
        Assert.Equal("reported", json.RootElement.GetProperty("from").GetString());
        Assert.Equal(Texts.StatusName(IncidentStatus.Reported, "de"), json.RootElement.GetProperty("fromName").GetString());
        Assert.Equal(Texts.StatusName(IncidentStatus.Acknowledged, "de"), json.RootElement.GetProperty("toName").GetString());
        Assert.Single(json.RootElement.EnumerateObject(), p => p.Name == "toName");
    }

    [Fact]
    public void MessagePackReadsTheSameDocumentAsJson()
    {
        var envelope = EnvelopeMapper.Map(Updated(), "fr", Texts);
        var packed = MessagePackSerializer.Serialize<object>(envelope.Data, MessagePackSerializerOptions.Standard);

        using var fromPack = JsonDocument.Parse(MessagePackSerializer.ConvertToJson(packed));
        using var fromJson = JsonDocument.Parse(((EventPayload)envelope.Data).Utf8);
        Assert.True(JsonElement.DeepEquals(fromJson.RootElement, fromPack.RootElement),
            $"{fromJson.RootElement.GetRawText()} != {fromPack.RootElement.GetRawText()}");
        // Integers stay integers and fractions doubles, as MessagePack clients have always read them.
        Assert.Equal(MessagePackType.Integer, TypeAt(packed, "incident", "version"));
        Assert.Equal(MessagePackType.Float, TypeAt(packed, "incident", "location", "lat"));
        Assert.Equal(MessagePackType.Boolean, TypeAt(packed, "incident", "locationBlurred"));
    }

    /// <summary>The MessagePack type of the value at <paramref name="path"/> (map keys) in <paramref name="packed"/>.</summary>
    private static MessagePackType TypeAt(byte[] packed, params string[] path)
    {
        var reader = new MessagePackReader(packed);
        foreach (var key in path)
        {
            var found = false;
            for (var count = reader.ReadMapHeader(); count > 0 && !found; count--)
            {
                if (reader.ReadString() == key)
                {
                    found = true;
                }
                else
                {
                    reader.Skip();
                }
            }

            Assert.True(found, $"no '{key}'");
        }

        return reader.NextMessagePackType;
    }
}
