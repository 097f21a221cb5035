namespace Collab.Common;

/// <summary>The stable incident category codes and what each one means for roles and privacy (names are the gateway's resources).</summary>
public static class Categories
{
    private static readonly Dictionary<string, Category> All = new Category[]
    {
        new("theft", CouncilConcern: false, Sensitive: false),
        new("vandalism", CouncilConcern: true, Sensitive: false),
        new("violence", CouncilConcern: false, Sensitive: true),
        new("noise", CouncilConcern: true, Sensitive: false),
        new("suspicious", CouncilConcern: false, Sensitive: true),
        new("traffic", CouncilConcern: true, Sensitive: false),
        new("fire", CouncilConcern: false, Sensitive: false),
        new("public-space", CouncilConcern: true, Sensitive: false),
    }.ToDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>Every category, in a stable order.</summary>
    public static IReadOnlyCollection<Category> List => All.Values;

    public static bool IsKnown(string? code) => code is not null && All.ContainsKey(code);

    public static Category Get(string code) => All[code];

    /// <summary>A category code, whether the council may act on it, and whether its exact location is extra sensitive.</summary>
    public sealed record Category(string Code, bool CouncilConcern, bool Sensitive);
}
