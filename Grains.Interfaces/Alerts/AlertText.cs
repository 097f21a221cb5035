namespace Collab.Alerts;

/// <summary>An alert's headline and description in one language.</summary>
[GenerateSerializer, Immutable, Alias("collab.AlertText")]
public sealed record AlertText(
    [property: Id(0)] string Headline,
    [property: Id(1)] string Description);
