using Collab.Common;
using Collab.Incidents;
using Collab.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Collab.Tests.Grains;

/// <summary>
/// Incident snapshots written before each event type had its own record still load, and an
/// activation upgrades them without losing or repeating an event.
/// </summary>
public sealed class IncidentSnapshotCompatibilityTests
{
    /// <summary>
    /// An <c>IncidentState</c> as the storage serializer wrote it before the event records: reported,
    /// a public note (then hidden), a status change, an assignment and a police-only note. Produced by
    /// that build; the bytes are what a PostgreSQL snapshot row of that time holds.
    /// </summary>
    private const string SnapshotBeforeEventRecords =
        "IAADQQtub2lzZUEVTG91ZCBwYXJ0eSHogClcj8L1CEpAgR+F61G4HhFAgQAAAAAAAChA4AkDCUEFbmxBD2NlbnRydW0JAwUhgADI" +
        "z5CSTd8IgQAAAAAAAAAA4CGAAFRW2JJN3wiBAAAAAAAAAADgRAVVMSEAAyFAB24tMUEfQ2FsbCAwNjEyMzQ1Njc4CQMBIegIAwVB" +
        "B3AtMUEPT2ZmaWNlcsEV4CGAAA6TtJJN3wiBAAAAAAAAAADgAQPBFSHg4OAhIAANIUBBNWM0ZWJmZDc0YzU4NGE5YTg0NWFjZTQ3" +
        "YzAxYzhjMDJBI2luY2lkZW50LnJlcG9ydGVkIYAAyM+Qkk3fCIEAAAAAAAAAAOAh6AgDAUEHYy0xQQdBbmHBFeAJAwEBBQEFAQUh" +
        "6MABCQMBwQHBAcEBwQfBASHogClcj8L1CEpAgR+F61G4HhFAgQAAAAAAAChA4AkDCcEVwRfBAcEB4OAgwC9BJ2luY2lkZW50Lm5v" +
        "dGVfYWRkZWQhgAAOk7SSTd8IgQAAAAAAAAAA4ME1CQMBAQkBCQEJIejAAcEBwQHBAcEBwQHBAcEBwQHBFcEBwQEJAwHg4CBAQWRj" +
        "MGZkNjVhN2VlNTQwY2RiMjBlNjA4NjRmMGM1MWZlQS9pbmNpZGVudC5zdGF0dXNfY2hhbmdlZCGAAFRW2JJN3wiBAAAAAAAAAADg" +
        "wTUJAwEBDQENAQ0h6AgDAQkDBcEBwQFBCXNlZW7BAcEBwQHBAcEBwQHBAcEB4OAgQEEzN2RiMTA0YjQwYjU0MDRhYjE0MDE4NmY0" +
        "NDEyZDU5MkEjaW5jaWRlbnQuYXNzaWduZWQhgABUVtiSTd8IgQAAAAAAAAAA4ME1CQMBAREBEQERIejAAcEBwSfBAcEBwQHBAcEB" +
        "wQHBAcEBwQHBAeDgIEBBZmVmY2U4YjAyN2UwNGY2Njk0MDQyZDNlZWNiNDE1OTlBKWluY2lkZW50Lm5vdGVfaGlkZGVuIYAAmhn8" +
        "kk3fCIEAAAAAAAAAAODBNQkDAQEVARUBFSHowAHBAcEBwS9BGXBob25lIG51bWJlcsEBwQHBAcEBwQHBAcEBwQHg4CBAQTNmYzU5" +
        "NzQ4YjMzMjQwNGRhYjlkZWNkMTNlM2ZmOTE4wZUhgADg3B+TTd8IgQAAAAAAAAAA4ME1CQMJARUBFQEZIejAAcEBwQHBAcEBwQHB" +
        "AcEBwQHBFcEBwQEJAwng4OABFQEVARkBAQEBAQHgIQADQQ1jLTEKazHgAQ3g";

    private readonly Serializer _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void ASnapshotFromBeforeTheEventRecordsLoadsAndUpgradesEveryEntry()
    {
        var state = Load();

        Assert.Equal("Loud party", state.Description);
        Assert.Equal(IncidentStatus.Acknowledged, state.Status);
        Assert.Empty(state.Timeline.Entries);
        Assert.NotNull(state.LegacyTimeline);
        Assert.Equal(6, state.LegacyTimeline.Entries.Count);

        Assert.True(state.UpgradeTimeline());

        Assert.Null(state.LegacyTimeline);
        Assert.False(state.UpgradeTimeline());
        Assert.Equal(new StreamHead(5, 5, 6), state.Timeline.Head);
        Assert.Equal([1L, 2, 3, 4, 5, 6], state.Timeline.Entries.Select(e => e.SeqPolice));
        var events = state.Timeline.Entries.Select(e => e.Payload).ToList();
        Assert.Equal(new IncidentReported("noise", null, new GeoPoint(52.07, 4.28, 12), Severity.High, "nl", "centrum"), events[0]);
        Assert.Equal(new NoteAdded(null, NoteVisibility.Public, "nl"), events[1]);
        Assert.Equal(new StatusChanged(IncidentStatus.Reported, IncidentStatus.Acknowledged, "seen"), events[2]);
        Assert.Equal(new UnitAssigned("U1"), events[3]);
        Assert.Equal(new NoteHidden("n-1", "phone number"), events[4]);
        Assert.Equal(new NoteAdded(null, NoteVisibility.Police, "nl"), events[5]);
        Assert.Equal(Audience.Police, state.Timeline.Entries[5].Visibility);
        Assert.Equal("n-1", state.Timeline.Entries[1].Id);
        Assert.All(state.Timeline.Entries.Zip(events), p => Assert.Equal(p.First.Type, p.Second.Type));
    }

    [Fact]
    public void AnUpgradedSnapshotRoundTripsWithoutItsLegacyTimeline()
    {
        var state = Load();
        state.UpgradeTimeline();

        var copy = _serializer.Deserialize<IncidentState>(_serializer.SerializeToArray(state))!;

        Assert.Null(copy.LegacyTimeline);
        Assert.Equal(state.Timeline.Entries.Select(e => (e.Id, e.Payload)), copy.Timeline.Entries.Select(e => (e.Id, e.Payload)));
    }

    private IncidentState Load() =>
        _serializer.Deserialize<IncidentState>(Convert.FromBase64String(SnapshotBeforeEventRecords)) ?? throw new InvalidOperationException("No state.");
}
