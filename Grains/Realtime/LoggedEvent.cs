namespace Collab.Realtime;

/// <summary>
/// One row of the per-stream event log (<c>collab_event_log</c>). <see cref="Seq"/> is the stream's
/// total order (for incidents the police sequence); <see cref="Payload"/> is JSON the owning grain
/// wrote and alone knows how to re-apply.
/// </summary>
public sealed record LoggedEvent(string Stream, long Seq, string EventId, string Type, DateTimeOffset OccurredAt, string Payload);
