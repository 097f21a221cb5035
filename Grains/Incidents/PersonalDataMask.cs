using System.Text.RegularExpressions;

namespace Collab.Incidents;

/// <summary>
/// Masks what identifies a person in text the public reads: e-mail addresses, phone numbers and
/// licence plates. Police and council read the original.
/// </summary>
internal static partial class PersonalDataMask
{
    public static string Mask(string text)
    {
        text = Email().Replace(text, "[e-mail]");
        text = Plate().Replace(text, "[plate]");
        return Phone().Replace(text, "[phone]");
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    /// <summary>Nine or more digits, optionally with a leading + and separators: a phone number, not a house number.</summary>
    [GeneratedRegex(@"(?<![\w])(?:\+|00)?\d(?:[\s\-./()]*\d){8,}(?![\w])")]
    private static partial Regex Phone();

    /// <summary>European-style plates: two or three groups of letters and digits, with both letters and digits, e.g. AB-123-C, 12-ABC-3, AB 123 CD.</summary>
    [GeneratedRegex(@"\b(?=[A-Z0-9 -]{6,10}\b)(?=[A-Z0-9 -]*[A-Z])(?=[A-Z0-9 -]*\d)[A-Z0-9]{1,3}[- ][A-Z0-9]{2,3}(?:[- ][A-Z0-9]{1,3})\b")]
    private static partial Regex Plate();
}
