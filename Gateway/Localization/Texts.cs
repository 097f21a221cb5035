namespace Collab.Gateway.Localization;

/// <summary>
/// The gateway's texts: <c>Texts.resx</c> (English, the neutral language) and one
/// <c>Texts.{language}.resx</c> per other language, read through <c>IStringLocalizer&lt;Texts&gt;</c>.
/// Keys: <c>category.{code}</c>, <c>status.{status}</c>, <c>severity.{severity}</c>,
/// <c>problem.{code}</c> and <c>problem.status.{http status}</c>, <c>open311.*</c>, <c>alert.*</c>,
/// <c>notification.{kind}</c>.
/// </summary>
public sealed class Texts
{
    /// <summary>The languages every key is translated into; English is the neutral resource and the last fallback.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "nl", "fr", "de", "it", "pt", "es"];
}
