using Collab.Realtime;

namespace Collab.Federation;

/// <summary>
/// Persisted outbox of one partner link. The timeline keeps the latest events (bounded by
/// <see cref="FederationOptions.OutboxCapacity"/>); with PostgreSQL the event log keeps them all.
/// <see cref="DeliveredThrough"/> is what the partner confirmed; it may lag in the snapshot, since
/// the partner's answer, not this number, decides where delivery resumes.
/// </summary>
[GenerateSerializer, Alias("collab.state.PartnerLink")]
internal sealed class PartnerLinkState
{
    [Id(0)] public Timeline<SharedChange> Timeline { get; set; } = new();
    [Id(1)] public string Epoch { get; set; } = "";
    [Id(2)] public long DeliveredThrough { get; set; }
    [Id(3)] public DateTimeOffset? LastSuccessAt { get; set; }
    [Id(4)] public string? LastError { get; set; }
    [Id(5)] public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>Written true by a deactivation's snapshot only: the activation that wrote it numbered nothing after it.</summary>
    [Id(6)] public bool Clean { get; set; }
}
