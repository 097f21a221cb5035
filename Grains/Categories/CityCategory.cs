using Collab.Common;

namespace Collab.Categories;

/// <summary>Open311's attribute datatypes.</summary>
public enum AttributeDatatype
{
    String,
    Number,
    Datetime,
    Text,
    Singlevaluelist,
    Multivaluelist,
}

/// <summary>A category of this city, checked and with canonical language tags.</summary>
public sealed record CityCategory(
    string Code,
    bool CouncilConcern,
    bool Sensitive,
    IReadOnlyDictionary<string, string> Names,
    string? Group,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<CategoryAttribute> Attributes)
{
    public CategoryAttribute? Attribute(string code) => Attributes.FirstOrDefault(a => a.Code == code);
}

/// <summary>A question of a category.</summary>
public sealed record CategoryAttribute(
    string Code,
    AttributeDatatype Datatype,
    bool Required,
    IReadOnlyDictionary<string, string> Descriptions,
    IReadOnlyList<AttributeValue> Values)
{
    public bool IsList => Datatype is AttributeDatatype.Singlevaluelist or AttributeDatatype.Multivaluelist;
}

/// <summary>An answer of a list question.</summary>
public sealed record AttributeValue(string Key, IReadOnlyDictionary<string, string> Names);

/// <summary>Texts per language tag, read the BCP 47 way: the tag, then shorter ones (<c>fr-CH</c> → <c>fr</c>).</summary>
public static class LanguageTexts
{
    public static string? In(this IReadOnlyDictionary<string, string> texts, string language)
    {
        if (texts.Count == 0 || !Languages.IsValid(language)) return null;
        var candidate = Languages.Normalize(language);
        while (true)
        {
            if (texts.TryGetValue(candidate, out var text)) return text;
            var cut = candidate.LastIndexOf('-');
            if (cut < 0) return null;
            candidate = candidate[..cut];
            if (candidate.Length > 1 && candidate[^2] == '-') candidate = candidate[..^2];
        }
    }
}
