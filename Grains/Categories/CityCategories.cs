using System.Text.RegularExpressions;
using Collab.Common;
using Collab.Hosting;
using Microsoft.Extensions.Configuration;

namespace Collab.Categories;

/// <summary>
/// The city's incident categories: from <c>Collab:City:Categories</c>, else the file
/// <c>Collab:City:CategoriesFile</c>, else the demo city's (shipped with the grains). Incidents
/// keep their category's code, so a code the city no longer lists still reads: as itself, handled
/// by police only, and blurred as a sensitive category, since nothing says it is not.
/// </summary>
public sealed partial class CityCategories
{
    private readonly Dictionary<string, CityCategory> _byCode;

    public CityCategories(IReadOnlyList<CityCategory> categories)
    {
        All = categories;
        _byCode = categories.ToDictionary(c => c.Code, StringComparer.Ordinal);
    }

    /// <summary>Every category, in the configured order.</summary>
    public IReadOnlyList<CityCategory> All { get; }

    public CityCategory? Find(string? code) => code is null ? null : _byCode.GetValueOrDefault(code);

    public bool IsKnown(string? code) => Find(code) is not null;

    /// <summary>Whether the public sees its locations on the coarser grid; true for a code no longer listed.</summary>
    public bool IsSensitive(string code) => Find(code)?.Sensitive ?? true;

    /// <summary>Whether the council may act on it; false for a code no longer listed (police handle it).</summary>
    public bool ConcernsCouncil(string code) => Find(code)?.CouncilConcern ?? false;

    /// <summary>The demo city's categories, as shipped.</summary>
    public static CityCategories Demo { get; } = Load(new CityOptions());

    /// <summary>The configured categories; the errors of <see cref="Validate"/> as one exception.</summary>
    public static CityCategories Load(CityOptions options)
    {
        var (list, source) = Read(options);
        var errors = Check(list, source);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        return new CityCategories(list.Select(Build).ToList());
    }

    /// <summary>What is wrong with the configured categories, each naming the setting; empty when nothing.</summary>
    public static List<string> Validate(CityOptions options)
    {
        try
        {
            var (list, source) = Read(options);
            return Check(list, source);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or InvalidOperationException)
        {
            return [$"Collab:City:CategoriesFile '{options.CategoriesFile}' cannot be read: {ex.Message}"];
        }
    }

    private static (List<CategoryOptions> List, string Source) Read(CityOptions options)
    {
        if (options.Categories.Count > 0) return (options.Categories, "Collab:City:Categories");
        var builder = new ConfigurationBuilder();
        string source;
        if (!string.IsNullOrWhiteSpace(options.CategoriesFile))
        {
            builder.AddJsonFile(Path.GetFullPath(options.CategoriesFile), optional: false, reloadOnChange: false);
            source = $"Collab:City:CategoriesFile '{options.CategoriesFile}': Categories";
        }
        else
        {
            builder.AddJsonStream(typeof(CityCategories).Assembly.GetManifestResourceStream("Collab.demo-city.categories.json")
                ?? throw new InvalidOperationException("The demo city's categories are missing."));
            source = "the demo city's Categories";
        }

        var list = builder.Build().GetSection("Categories").Get<List<CategoryOptions>>() ?? [];
        return (list, source);
    }

    private static List<string> Check(List<CategoryOptions> list, string source)
    {
        var errors = new List<string>();
        if (list.Count == 0) errors.Add($"{source} must list at least one category.");
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var c = list[i];
            var at = $"{source}:{i}";
            if (c.Code is null || !CodeShape().IsMatch(c.Code)) errors.Add($"{at}:Code '{c.Code}' must be 1-64 characters of a-z, 0-9 and '-', starting with a letter or digit.");
            else if (!codes.Add(c.Code)) errors.Add($"{at}:Code '{c.Code}' is listed twice.");
            CheckTexts(c.Names, $"{at}:Names", errors);
            if (c.Group is { } group && (group.Length is 0 or > 80 || !TextRules.IsValid(group))) errors.Add($"{at}:Group must be 1-80 characters without control characters.");
            for (var k = 0; k < c.Keywords.Count; k++)
            {
                if (c.Keywords[k] is not { Length: > 0 and <= 64 } word || word.Contains(',') || !TextRules.IsValid(word)) errors.Add($"{at}:Keywords:{k} must be 1-64 characters without commas or control characters.");
            }

            var attributes = new HashSet<string>(StringComparer.Ordinal);
            for (var a = 0; a < c.Attributes.Count; a++)
            {
                var attribute = c.Attributes[a];
                var where = $"{at}:Attributes:{a}";
                if (attribute.Code is null || !AttributeShape().IsMatch(attribute.Code)) errors.Add($"{where}:Code '{attribute.Code}' must be 1-64 characters of a-z, 0-9, '-' and '_'.");
                else if (!attributes.Add(attribute.Code)) errors.Add($"{where}:Code '{attribute.Code}' is listed twice in category '{c.Code}'.");
                if (!Enum.TryParse<AttributeDatatype>(attribute.Datatype, ignoreCase: true, out var datatype) || int.TryParse(attribute.Datatype, out _))
                {
                    errors.Add($"{where}:Datatype '{attribute.Datatype}' must be one of string, number, datetime, text, singlevaluelist, multivaluelist.");
                    continue;
                }

                CheckTexts(attribute.Descriptions, $"{where}:Descriptions", errors);
                var isList = datatype is AttributeDatatype.Singlevaluelist or AttributeDatatype.Multivaluelist;
                if (isList && attribute.Values.Count == 0) errors.Add($"{where}:Values must list the answers of a {datatype.ToString().ToLowerInvariant()}.");
                if (!isList && attribute.Values.Count > 0) errors.Add($"{where}:Values are only for singlevaluelist and multivaluelist.");
                var keys = new HashSet<string>(StringComparer.Ordinal);
                for (var v = 0; v < attribute.Values.Count; v++)
                {
                    var value = attribute.Values[v];
                    if (value.Key is null || !AttributeShape().IsMatch(value.Key)) errors.Add($"{where}:Values:{v}:Key '{value.Key}' must be 1-64 characters of a-z, 0-9, '-' and '_'.");
                    else if (!keys.Add(value.Key)) errors.Add($"{where}:Values:{v}:Key '{value.Key}' is listed twice.");
                    CheckTexts(value.Names, $"{where}:Values:{v}:Names", errors);
                }
            }
        }

        return errors;
    }

    private static void CheckTexts(Dictionary<string, string> texts, string at, List<string> errors)
    {
        foreach (var (tag, text) in texts)
        {
            if (!Languages.IsValid(tag)) errors.Add($"{at}:{tag}: '{tag}' is not a BCP 47 language tag.");
            if (text is not { Length: > 0 and <= 200 } || !TextRules.IsValid(text)) errors.Add($"{at}:{tag} must be 1-200 characters without control characters.");
        }
    }

    private static CityCategory Build(CategoryOptions c) => new(
        c.Code!, c.CouncilConcern, c.Sensitive, Canonical(c.Names), c.Group, c.Keywords.ToList(),
        c.Attributes.Select(a => new CategoryAttribute(
            a.Code!,
            Enum.Parse<AttributeDatatype>(a.Datatype!, ignoreCase: true),
            a.Required,
            Canonical(a.Descriptions),
            a.Values.Select(v => new AttributeValue(v.Key!, Canonical(v.Names))).ToList())).ToList());

    private static Dictionary<string, string> Canonical(Dictionary<string, string> texts) =>
        texts.ToDictionary(t => Languages.Normalize(t.Key), t => t.Value, StringComparer.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex CodeShape();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex AttributeShape();
}
