using MessagePack;

namespace Collab.LoadTest.Driving;

/// <summary>
/// The part of an <c>Event</c> envelope the harness reads: its type and <c>data.incident.id</c>,
/// which carries the run's marker. Unknown members are skipped by both protocols.
/// </summary>
[MessagePackObject]
public sealed record WireEnvelope(
    [property: Key("type")] string Type,
    [property: Key("data")] WireData? Data);

[MessagePackObject]
public sealed record WireData([property: Key("incident")] WireIncident? Incident);

[MessagePackObject]
public sealed record WireIncident([property: Key("id")] string? Id);
