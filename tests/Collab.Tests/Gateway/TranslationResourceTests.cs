using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Collab.Categories;
using Collab.Gateway.Localization;
using Collab.Incidents;
using Collab.Tests.Operations;

namespace Collab.Tests.Gateway;

/// <summary>The gateway's texts: every key in every language, real translations, and BCP 47 fallback.</summary>
public sealed partial class TranslationResourceTests
{
    private static readonly ResourceManager Resources = new("Collab.Gateway.Localization.Texts", typeof(Texts).Assembly);

    private static Dictionary<string, string> Read(CultureInfo culture)
    {
        var set = Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new Xunit.Sdk.XunitException($"No resources for '{culture.Name}'.");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
    }

    [Fact]
    public void EveryKeyIsTranslatedIntoEveryLanguage()
    {
        var english = Read(CultureInfo.InvariantCulture);
        Assert.True(english.Count > 100, $"Only {english.Count} English texts.");
        Assert.Equal(["en", "nl", "fr", "de", "it", "pt", "es"], Texts.Languages);
        var failures = new List<string>();
        foreach (var language in Texts.Languages.Skip(1))
        {
            var texts = Read(CultureInfo.GetCultureInfo(language));
            failures.AddRange(english.Keys.Where(k => !texts.ContainsKey(k)).Select(k => $"{language}: '{k}' is missing"));
            failures.AddRange(texts.Keys.Where(k => !english.ContainsKey(k)).Select(k => $"{language}: '{k}' has no English text"));
            failures.AddRange(texts.Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(t => $"{language}: '{t.Key}' is empty"));
            failures.AddRange(texts.Where(t => english.TryGetValue(t.Key, out var en) && Placeholders(en) != Placeholders(t.Value))
                .Select(t => $"{language}: '{t.Key}' has other placeholders than English"));

            // Translations, not copies: a few words are the same in two languages (Vandalisme, Conflict), most are not.
            var copied = texts.Count(t => english.TryGetValue(t.Key, out var en) && en == t.Value);
            if (copied > english.Count / 10) failures.Add($"{language}: {copied} of {english.Count} texts are the English ones");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void EveryCategoryStatusSeverityAndNotificationHasAText()
    {
        var english = Read(CultureInfo.InvariantCulture);
        var keys = CityCategories.Demo.All.Select(c => "category." + c.Code)
            .Concat(CityCategories.Demo.All.SelectMany(c => c.Attributes).SelectMany(a => a.Values.Select(v => $"attribute.{a.Code}.{v.Key}").Append("attribute." + a.Code)))
            .Concat(Enum.GetNames<IncidentStatus>().Select(s => "status." + s.ToLowerInvariant()))
            .Concat(Enum.GetNames<Severity>().Select(s => "severity." + s.ToLowerInvariant()))
            .Concat(new[] { "report.received", "report.note_added", "report.status_changed", "report.assigned" }.Select(k => "notification." + k))
            .Concat(new[] { 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503 }.Select(s => $"problem.status.{s}"));
        var missing = keys.Where(k => !english.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "No English text for: " + string.Join(", ", missing));
    }

    /// <summary>Every problem code the source code writes has a title: a new code without one fails here.</summary>
    [Fact]
    public void EveryProblemCodeInTheSourceHasATitle()
    {
        var english = Read(CultureInfo.InvariantCulture);
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var folder in new[] { "Gateway", "Grains", "Grains.Interfaces" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Manifests.Root, folder), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
                foreach (Match m in ProblemCode().Matches(File.ReadAllText(file)))
                {
                    codes.Add(m.Groups["code"].Value);
                }
            }
        }

        Assert.Contains("unknown-category", codes);
        Assert.Contains("incident-not-found", codes);
        var untitled = codes.Where(c => !english.ContainsKey("problem." + c)).ToList();
        Assert.True(untitled.Count == 0, "No title for problem codes: " + string.Join(", ", untitled));
    }

    [Theory]
    [InlineData("fr-CH", "fr")]
    [InlineData("FR", "fr")]
    [InlineData("pt-BR", "pt")]
    [InlineData("nl-BE", "nl")]
    [InlineData("de-x-berlin", "de")]
    [InlineData("es-419", "es")]
    [InlineData("sv-SE", "en")]
    [InlineData("zh-Hant-TW", "en")]
    [InlineData("", "en")]
    public void ALanguageTagFallsBackToItsBaseLanguageThenEnglish(string tag, string expected) =>
        Assert.Equal(expected, Translations.Resolve(tag).Name);

    [GeneratedRegex("""(?:CommandError\.\w+|Problems\.\w+|Problem)\((?:StatusCodes\.\w+, |\w+, )?"(?<code>[a-z][A-Za-z]*(?:-[a-z0-9]+)+|role)"|\(StatusCodes\.\w+, "(?<code>[a-z]+(?:-[a-z0-9]+)*)", """)]
    private static partial Regex ProblemCode();

    private static string Placeholders(string text) => string.Join(",", PlaceholderPattern().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal));

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();
}
