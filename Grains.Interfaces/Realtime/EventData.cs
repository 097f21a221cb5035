namespace Collab.Realtime;

/// <summary>The payload of a <see cref="StreamEvent"/>; one derived record per event type.</summary>
[GenerateSerializer, Immutable, Alias("collab.EventData")]
public abstract record EventData;
