using System.Text.RegularExpressions;

namespace Collab.Common;

/// <summary>BCP 47 language tags, checked for shape (e.g. <c>en</c>, <c>nl</c>, <c>pt-PT</c>).</summary>
public static partial class Languages
{
    public const string Default = "en";

    public static bool IsValid(string? tag) => tag is { Length: >= 2 and <= 35 } && Shape().IsMatch(tag);

    /// <summary>
    /// A valid tag in BCP 47's canonical case, so that <c>NL-be</c> and <c>nl-BE</c> are one language:
    /// the language lower case, a four-letter script title case, a two-letter region upper case,
    /// everything else lower case.
    /// </summary>
    public static string Normalize(string tag)
    {
        if (!IsValid(tag)) throw new ArgumentException($"'{tag}' is not a language tag.", nameof(tag));
        var parts = tag.Split('-');
        parts[0] = parts[0].ToLowerInvariant();
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            parts[i] = part.Length switch
            {
                2 when char.IsAsciiLetter(part[0]) => part.ToUpperInvariant(),
                4 when char.IsAsciiLetter(part[0]) => char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant(),
                _ => part.ToLowerInvariant(),
            };
        }

        return string.Join('-', parts);
    }

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex Shape();
}
