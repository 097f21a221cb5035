using Collab.Realtime;

namespace Collab.Alerts;

/// <summary>Data of <c>alert.issued</c> on the <c>city</c> stream.</summary>
[GenerateSerializer, Immutable, Alias("collab.AlertIssuedData")]
public sealed record AlertIssuedData(
    [property: Id(0)] AlertView Alert) : EventData;
