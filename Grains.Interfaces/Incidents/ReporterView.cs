namespace Collab.Incidents;

/// <summary>The reporter's identity; only ever in the police view.</summary>
[GenerateSerializer, Immutable, Alias("collab.ReporterView")]
public sealed record ReporterView(
    [property: Id(0)] string UserId,
    [property: Id(1)] string? Name);
