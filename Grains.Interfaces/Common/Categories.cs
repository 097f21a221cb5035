namespace Collab.Common;

/// <summary>The stable incident category codes and their localized names.</summary>
public static class Categories
{
    private static readonly Dictionary<string, Category> All = new Category[]
    {
        new("theft", CouncilConcern: false, Sensitive: false, new() { ["en"] = "Theft", ["nl"] = "Diefstal", ["fr"] = "Vol" }),
        new("vandalism", CouncilConcern: true, Sensitive: false, new() { ["en"] = "Vandalism", ["nl"] = "Vandalisme", ["fr"] = "Vandalisme" }),
        new("violence", CouncilConcern: false, Sensitive: true, new() { ["en"] = "Violence", ["nl"] = "Geweld", ["fr"] = "Violence" }),
        new("noise", CouncilConcern: true, Sensitive: false, new() { ["en"] = "Noise", ["nl"] = "Geluidsoverlast", ["fr"] = "Nuisance sonore" }),
        new("suspicious", CouncilConcern: false, Sensitive: true, new() { ["en"] = "Suspicious situation", ["nl"] = "Verdachte situatie", ["fr"] = "Situation suspecte" }),
        new("traffic", CouncilConcern: true, Sensitive: false, new() { ["en"] = "Traffic", ["nl"] = "Verkeer", ["fr"] = "Circulation" }),
        new("fire", CouncilConcern: false, Sensitive: false, new() { ["en"] = "Fire", ["nl"] = "Brand", ["fr"] = "Incendie" }),
        new("public-space", CouncilConcern: true, Sensitive: false, new() { ["en"] = "Public space", ["nl"] = "Openbare ruimte", ["fr"] = "Espace public" }),
    }.ToDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>Every category, in a stable order.</summary>
    public static IReadOnlyCollection<Category> List => All.Values;

    public static bool IsKnown(string? code) => code is not null && All.ContainsKey(code);

    public static Category Get(string code) => All[code];

    /// <summary>A category code, whether the council may act on it, whether its exact location is extra sensitive, and its names.</summary>
    public sealed record Category(string Code, bool CouncilConcern, bool Sensitive, Dictionary<string, string> Names)
    {
        public string NameIn(string language) =>
            Names.TryGetValue(language, out var name) ? name
            : Names.TryGetValue(language.Split('-')[0], out name) ? name
            : Names["en"];
    }
}
