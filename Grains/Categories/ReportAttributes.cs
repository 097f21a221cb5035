using System.Globalization;
using Collab.Common;

namespace Collab.Categories;

/// <summary>
/// A report's answers to its category's questions (<c>attributes</c>: code → value; a
/// multivaluelist's keys comma-separated), checked against the category: known questions only,
/// every required one answered, each value of its datatype.
/// </summary>
public static class ReportAttributes
{
    public const int MaxString = 200;
    public const int MaxText = 2_000;

    /// <summary>Null when the answers are acceptable, else why not.</summary>
    public static CommandError? Check(CityCategory category, IReadOnlyDictionary<string, string>? answers)
    {
        answers ??= new Dictionary<string, string>();
        foreach (var (code, value) in answers)
        {
            if (category.Attribute(code) is not { } attribute)
            {
                var known = category.Attributes.Count == 0 ? "none" : string.Join(", ", category.Attributes.Select(a => a.Code));
                return CommandError.Invalid("unknown-attribute", $"'{Shown(code)}' is not a question of category '{category.Code}' (its questions: {known}).");
            }

            if (Invalid(attribute, value) is { } why)
            {
                return CommandError.Invalid("attribute-invalid", $"Attribute '{code}': {why}");
            }
        }

        return category.Attributes.FirstOrDefault(a => a.Required && !answers.ContainsKey(a.Code)) is { } missing
            ? CommandError.Invalid("attribute-required", $"Category '{category.Code}' needs an answer to '{missing.Code}'.")
            : null;
    }

    /// <summary>The answers as stored: values trimmed, in code order; null when there are none.</summary>
    public static IReadOnlyDictionary<string, string>? Normalized(IReadOnlyDictionary<string, string>? answers) =>
        answers is null || answers.Count == 0
            ? null
            : new SortedDictionary<string, string>(answers.ToDictionary(a => a.Key, a => a.Value.Trim(), StringComparer.Ordinal), StringComparer.Ordinal);

    private static string? Invalid(CategoryAttribute attribute, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "an answer must not be empty.";
        if (!TextRules.IsValid(value)) return "an answer must not contain control characters other than newline and tab, or bidi overrides.";
        var keys = attribute.Values.Select(v => v.Key).ToList();
        return attribute.Datatype switch
        {
            AttributeDatatype.String when value.Length > MaxString || value.Contains('\n') => $"at most {MaxString} characters on one line.",
            AttributeDatatype.Text when value.Length > MaxText => $"at most {MaxText} characters.",
            AttributeDatatype.Number when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n) => "a number is expected (e.g. 3 or 2.5).",
            AttributeDatatype.Datetime when !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) || value.Length > 40 => "an ISO 8601 date and time is expected.",
            AttributeDatatype.Singlevaluelist when !keys.Contains(value) => $"one of {string.Join(", ", keys)} is expected.",
            AttributeDatatype.Multivaluelist when value.Split(',') is var given && (given.Any(k => !keys.Contains(k)) || given.Distinct().Count() != given.Length)
                => $"distinct keys of {string.Join(", ", keys)}, comma-separated, are expected.",
            _ => null,
        };
    }

    private static string Shown(string code) => code.Length > 64 ? code[..64] + "…" : code;
}
