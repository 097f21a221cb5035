using Collab.Common;

namespace Collab.Alerts;

/// <summary>Issue an alert for a neighbourhood (police, council).</summary>
[GenerateSerializer, Immutable, Alias("collab.IssueAlert")]
public sealed record IssueAlert(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] Actor Actor,
    [property: Id(2)] string Neighbourhood,
    [property: Id(3)] string Language,
    [property: Id(4)] AlertText Text,
    [property: Id(5)] string Severity,
    [property: Id(6)] string Urgency,
    [property: Id(7)] string Certainty,
    [property: Id(8)] DateTimeOffset? Expires,
    [property: Id(9)] IReadOnlyDictionary<string, AlertText> Translations,
    [property: Id(10)] string? Exercise = null);
