namespace Collab.Common;

/// <summary>
/// What free text may hold wherever it enters: anything a reader sees, newline (also as a Windows
/// client writes it, CR LF) and tab, but no other control character (a lone CR rewrites a line) (a NUL breaks the PostgreSQL event log, most break CAP's XML), no
/// bidi override or isolate (they make text read differently than it is stored) and no half
/// surrogate pair or non-character.
/// </summary>
public static class TextRules
{
    public const string InvalidCode = "text-invalid";

    /// <summary>True when <paramref name="text"/> holds only characters every store, format and reader carries.</summary>
    public static bool IsValid(string? text) => text is null || IndexOfInvalid(text) < 0;

    /// <summary>A <c>text-invalid</c> refusal naming <paramref name="field"/>, or null when the text is valid.</summary>
    public static CommandError? Check(string? text, string field) => IsValid(text)
        ? null
        : CommandError.Invalid(InvalidCode, $"'{field}' must not contain control characters other than newline and tab, bidi overrides or invalid Unicode.");

    public static int IndexOfInvalid(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                continue;
            }

            if (IsInvalid(c)) return i;
        }

        return -1;
    }

    private static bool IsInvalid(char c) => c switch
    {
        '\n' or '\t' => false,
        _ when char.IsControl(c) => true,
        (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => true,
        _ when char.IsSurrogate(c) => true,
        '\uFFFE' or '\uFFFF' => true,
        _ => false,
    };
}
