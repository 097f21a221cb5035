using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Collab.Incidents;

/// <summary>
/// Masks what identifies a person in text the public reads: e-mail addresses, phone numbers and
/// licence plates. Police and council read the original.
/// </summary>
/// <remarks>
/// Matching runs on a normalised copy (NFKC, invisible characters removed, every dash a hyphen)
/// so that full-width, zero-width and look-alike spellings do not slip past; the masks are then
/// applied to the original, so text around them keeps its own characters.
/// </remarks>
internal static partial class PersonalDataMask
{
    /// <summary>Stands in the normalised copy for what an earlier pattern masked, so later ones skip it.</summary>
    private const char Masked = '\uFFFC';

    public static string Mask(string text)
    {
        var (normal, starts, ends) = Normalise(text);
        var masks = new List<(int Start, int End, string Label)>();
        Find(Email(), "[e-mail]");
        Find(DutchPlateWithHyphens(), "[plate]");
        Find(DutchPlateWithoutSeparators(), "[plate]");
        Find(Plate(), "[plate]");
        Find(Phone(), "[phone]");
        if (masks.Count == 0) return text;

        masks.Sort((a, b) => a.Start.CompareTo(b.Start));
        var result = new StringBuilder(text.Length);
        var at = 0;
        foreach (var (start, end, label) in masks)
        {
            // Two masks can only share an original character when one text element normalised into both.
            result.Append(text, at, Math.Max(0, starts[start] - at)).Append(label);
            at = Math.Max(at, ends[end - 1]);
        }

        return result.Append(text, at, text.Length - at).ToString();

        void Find(Regex pattern, string label)
        {
            foreach (Match m in pattern.Matches(normal.ToString()))
            {
                masks.Add((m.Index, m.Index + m.Length, label));
                for (var i = m.Index; i < m.Index + m.Length; i++) normal[i] = Masked;
            }
        }
    }

    /// <summary>
    /// The matching copy of <paramref name="text"/>, with, for each of its characters, where the
    /// original text element it came from starts and ends.
    /// </summary>
    private static (StringBuilder Normal, List<int> Starts, List<int> Ends) Normalise(string text)
    {
        var normal = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var start = elements.ElementIndex;
            foreach (var c in element.IsNormalized(NormalizationForm.FormKC) ? element : element.Normalize(NormalizationForm.FormKC))
            {
                if (IsInvisible(c)) continue;
                normal.Append(IsDash(c) ? '-' : c);
                starts.Add(start);
                ends.Add(start + element.Length);
            }
        }

        return (normal, starts, ends);
    }

    /// <summary>Zero-width characters, the soft hyphen and bidi controls: invisible, so they split nothing a reader sees.</summary>
    private static bool IsInvisible(char c) => c is '\u00AD' or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E')
        or '\u2060' or (>= '\u2066' and <= '\u2069') or '\uFEFF';

    private static bool IsDash(char c) => c is (>= '\u2010' and <= '\u2015') or '\u2212' or '\uFE58' or '\uFE63' or '\uFF0D';

    private const string At = @"(?:@|\s*[(\[{]\s*at\s*[)\]}]\s*|\s+at\s+)";
    private const string Dot = @"(?:\.|\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+dot\s+)";
    private const string Label = @"[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?";

    /// <summary>An address with <c>@</c> or a spelt-out <c>(at)</c>, <c>[at]</c>, <c> at </c> and <c>(dot)</c>; letters of any script.</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+" + At + Label + "(?:" + Dot + Label + ")*" + Dot + @"\p{L}{2,}(?![\p{L}\p{N}])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    /// <summary>What may stand between the digits of a phone number: up to three of space, dot, hyphen, underscore, slash, or one comma.</summary>
    private const string Gap = @"(?:[\s\-._/]{1,3}|,)?";

    /// <summary>
    /// Nine or more digits, optionally with a leading +: a phone number, not a house number. An
    /// international prefix with a trunk <c>(0)</c> or an area code in parentheses may come first.
    /// Digits that run into a time of day (<c>12:30</c>) are a date, not a number to call.
    /// </summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}_]|\d:)(?:(?:(?:\+|00)\d{1,3}" + Gap + @"\(0\)|\(\d{2,5}\))" + Gap + @"\d(?:" + Gap + @"\d){6,}|\+?\d(?:" + Gap + @"\d){8,})(?![\p{L}\p{N}_]|:\d)")]
    private static partial Regex Phone();

    /// <summary>European-style plates: two or three groups of letters and digits, with both letters and digits, e.g. AB-123-C, 12-ABC-3, AB 123 CD.</summary>
    [GeneratedRegex(@"\b(?=[A-Z0-9 -]{6,10}\b)(?=[A-Z0-9 -]*[A-Z])(?=[A-Z0-9 -]*\d)[A-Z0-9]{1,3}[- ][A-Z0-9]{2,3}(?:[- ][A-Z0-9]{1,3})\b")]
    private static partial Regex Plate();

    /// <summary>The Dutch sidecodes 1–14 (L a letter, D a digit), hyphenated, in either case: <c>ab-123-c</c>.</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?:[A-Z]{2}-\d{2}-\d{2}|\d{2}-\d{2}-[A-Z]{2}|\d{2}-[A-Z]{2}-\d{2}|[A-Z]{2}-\d{2}-[A-Z]{2}|[A-Z]{2}-[A-Z]{2}-\d{2}|\d{2}-[A-Z]{2}-[A-Z]{2}"
        + @"|\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}|[A-Z]{3}-\d{2}-[A-Z]|[A-Z]-\d{2}-[A-Z]{3}|\d-[A-Z]{2}-\d{3}|\d{3}-[A-Z]{2}-\d)(?![\p{L}\p{N}])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DutchPlateWithHyphens();

    /// <summary>
    /// The Dutch sidecodes whose letters and digits alternate, written together in capitals: <c>AB123C</c>.
    /// Sidecodes that read as two runs (<c>KL1234</c>) look like flight and product numbers and are left alone.
    /// </summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?:[A-Z]{2}\d{2}[A-Z]{2}|\d{2}[A-Z]{2}\d{2}|\d{2}[A-Z]{3}\d|\d[A-Z]{3}\d{2}|[A-Z]{2}\d{3}[A-Z]|[A-Z]\d{3}[A-Z]{2}"
        + @"|[A-Z]{3}\d{2}[A-Z]|[A-Z]\d{2}[A-Z]{3}|\d[A-Z]{2}\d{3}|\d{3}[A-Z]{2}\d)(?![\p{L}\p{N}])", RegexOptions.CultureInvariant)]
    private static partial Regex DutchPlateWithoutSeparators();
}
