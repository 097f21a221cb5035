namespace Collab.Alerts;

/// <summary>Persisted alert: issued once, then read-only.</summary>
[GenerateSerializer, Alias("collab.state.Alert")]
internal sealed class AlertState
{
    [Id(0)] public AlertView? Alert { get; set; }
}

/// <summary>Persisted city stream.</summary>
[GenerateSerializer, Alias("collab.state.City")]
internal sealed class CityState
{
    [Id(0)] public Realtime.Timeline<AlertView> Timeline { get; set; } = new();
}
