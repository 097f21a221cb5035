using Collab.Realtime;

namespace Collab.Incidents;

/// <summary>A note as one audience sees it. A hidden note keeps its place but loses its text.</summary>
[GenerateSerializer, Immutable, Alias("collab.NoteView")]
public sealed record NoteView(
    [property: Id(0)] string EventId,
    [property: Id(1)] string? Text,
    [property: Id(2)] NoteVisibility Visibility,
    [property: Id(3)] EventActor Author,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] bool Hidden,
    [property: Id(6)] string Language);
