using Collab.Realtime;

namespace Collab.Citizens;

/// <summary>Persisted state of a citizen: profile, follows, own reports, and the <c>me</c> stream. Bounded.</summary>
[GenerateSerializer, Alias("collab.state.Citizen")]
internal sealed class CitizenState
{
    [Id(0)] public string? DisplayName { get; set; }
    [Id(1)] public string Language { get; set; } = "en";
    [Id(2)] public List<string> Follows { get; set; } = [];
    [Id(3)] public List<string> Reports { get; set; } = [];
    [Id(4)] public Timeline<CitizenNotification> Timeline { get; set; } = new();
}
