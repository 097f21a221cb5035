using MessagePack;

namespace Collab.LoadTest.Clients;

/// <summary>
/// The part of an <c>Event</c> envelope the harness reads: its type, <c>seq</c>, and the marker of
/// the message it carries: <c>data.incident.id</c> (neighbourhood and incident updates) or
/// <c>data.note.text</c> (<c>incident.note_added</c>). Unknown members are skipped by both protocols.
/// </summary>
[MessagePackObject]
public sealed record WireEnvelope(
    [property: Key("stream")] string? Stream,
    [property: Key("seq")] long Seq,
    [property: Key("type")] string Type,
    [property: Key("data")] WireData? Data)
{
    /// <summary>The run's marker this event carries, if any.</summary>
    [IgnoreMember]
    public string? Marker => Data?.Incident?.Id ?? Data?.Note?.Text;
}

[MessagePackObject]
public sealed record WireData(
    [property: Key("incident")] WireIncident? Incident,
    [property: Key("note")] WireNote? Note);

[MessagePackObject]
public sealed record WireIncident([property: Key("id")] string? Id);

[MessagePackObject]
public sealed record WireNote([property: Key("text")] string? Text);

/// <summary>The server cannot replay a gap: the client should re-read the stream's snapshot.</summary>
[MessagePackObject]
public sealed record WireResync(
    [property: Key("stream")] string? Stream,
    [property: Key("reason")] string? Reason);
