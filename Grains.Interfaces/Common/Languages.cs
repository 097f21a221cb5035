using System.Text.RegularExpressions;

namespace Collab.Common;

/// <summary>BCP 47 language tags, checked for shape (e.g. <c>en</c>, <c>nl</c>, <c>pt-PT</c>).</summary>
public static partial class Languages
{
    public const string Default = "en";

    public static bool IsValid(string? tag) => tag is { Length: >= 2 and <= 35 } && Shape().IsMatch(tag);

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex Shape();
}
