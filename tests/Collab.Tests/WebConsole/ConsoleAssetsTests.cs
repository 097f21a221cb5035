using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Collab.Alerts;
using Collab.Categories;
using Collab.Common;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.WebConsole;

/// <summary>
/// The console's files as shipped: every text in every language, no script that writes HTML, the
/// official SignalR client byte for byte, and the Content-Security-Policy the gateway serves them with.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class ConsoleAssetsTests(GatewayFixture fx)
{
    private static string Root => ConsoleFiles.Root;

    private static IReadOnlyList<string> Languages => ConsoleFiles.Languages;

    private static IReadOnlyDictionary<string, string> Texts(string language) => ConsoleFiles.Texts(language);

    private static IEnumerable<(string File, string Text)> Scripts() =>
        Directory.GetFiles(Path.Combine(Root, "js"), "*.js").Select(f => (Path.GetFileName(f), File.ReadAllText(f)));

    [Fact]
    public void TheConsoleShipsTheLanguagesItOffers()
    {
        Assert.Equal(["en", "de", "es", "fr", "it", "nl", "pt"], Languages);
        var offered = LanguageList().Match(File.ReadAllText(Path.Combine(Root, "js", "i18n.js")));
        Assert.True(offered.Success, "i18n.js names its LANGUAGES");
        Assert.Equal(Languages.Order(), Regex.Matches(offered.Groups[1].Value, "'([a-z]{2})'").Select(m => m.Groups[1].Value).Order());
    }

    [Fact]
    public void EveryLanguageHasEveryTextWithTheSamePlaceholders()
    {
        var english = Texts("en");
        var problems = new List<string>();
        foreach (var language in Languages)
        {
            var texts = Texts(language);
            problems.AddRange(english.Keys.Except(texts.Keys).Select(k => $"{language}: missing '{k}'"));
            problems.AddRange(texts.Keys.Except(english.Keys).Select(k => $"{language}: '{k}' is not in en.json"));
            problems.AddRange(texts.Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(t => $"{language}: '{t.Key}' is empty"));
            foreach (var (key, text) in texts.Where(t => english.ContainsKey(t.Key)))
            {
                var expected = Placeholder().Matches(english[key]).Select(m => m.Value).Order();
                var actual = Placeholder().Matches(text).Select(m => m.Value).Order();
                if (!expected.SequenceEqual(actual))
                {
                    problems.Add($"{language}: '{key}' has placeholders {string.Join(",", actual)}, en.json {string.Join(",", expected)}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryTextTheConsoleUsesIsInTheResourceFiles()
    {
        var english = Texts("en");
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, text) in Scripts().Append(("index.html", File.ReadAllText(Path.Combine(Root, "index.html")))))
        {
            used.UnionWith(TextCall().Matches(text).Select(m => m.Groups[1].Value));
            used.UnionWith(TextAttribute().Matches(text).Select(m => m.Groups[1].Value));
            used.UnionWith(FieldCall().Matches(text).Select(m => m.Groups[1].Value));
        }

        // Keys made from the backend's codes: each code the API can send has its text.
        used.UnionWith(CityCategories.Demo.All.Select(c => $"category.{c.Code}"));
        used.UnionWith(Enum.GetValues<IncidentStatus>().Select(s => $"status.{WireFormat.Name(s)}"));
        used.UnionWith(Enum.GetValues<IncidentStatus>().Where(s => s != IncidentStatus.Reported).Select(s => $"action.status.{WireFormat.Name(s)}"));
        used.UnionWith(Enum.GetValues<Severity>().Select(s => $"severity.{WireFormat.Name(s)}"));
        used.UnionWith(Enum.GetValues<NoteVisibility>().Select(v => $"visibility.{WireFormat.Name(v)}"));
        used.UnionWith(Enum.GetValues<ActorRole>().Select(r => $"role.{WireFormat.Name(r)}"));
        used.UnionWith(Enum.GetValues<Collab.Exercises.ExerciseStatus>().Select(s => $"exercise.status.{WireFormat.Name(s)}"));
        used.UnionWith(CapValues.Severities.Select(v => $"cap.severity.{v}"));
        used.UnionWith(CapValues.Urgencies.Select(v => $"cap.urgency.{v}"));
        used.UnionWith(CapValues.Certainties.Select(v => $"cap.certainty.{v}"));
        used.UnionWith(["live.offline", "live.connecting", "live.reconnecting", "live.live", "note.hide", "note.restore"]);
        Assert.Empty(used.Where(k => !english.ContainsKey(k)).Order());
    }

    [Fact]
    public void NoScriptWritesMarkupOrEvaluatesText()
    {
        var offences = Scripts().SelectMany(s => Unsafe().Matches(s.Text).Select(m => $"{s.File}: {m.Value}")).ToList();
        Assert.Empty(offences);
        var html = File.ReadAllText(Path.Combine(Root, "index.html"));
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotMatch(InlineHandler(), html);
    }

    [Fact]
    public void TheSignalRClientIsThePublishedFileWithItsVersionAndLicence()
    {
        var folder = Path.Combine(Root, "lib", "signalr");
        var note = File.ReadAllText(Path.Combine(folder, "README.md"));
        var version = Regex.Match(note, @"@microsoft/signalr@(\d+\.\d+\.\d+)").Groups[1].Value;
        var sha = Regex.Match(note, "sha256 ([0-9a-f]{64})").Groups[1].Value;
        Assert.Matches(@"^(8|9|10)\.", version);
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "signalr.min.js")))));
        Assert.Contains("MIT License", File.ReadAllText(Path.Combine(folder, "LICENSE.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsoleIsServedUnderAPolicyThatForbidsInlineScript()
    {
        using var http = fx.Http();
        var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Equal(["'none'"], directives["default-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("/js/app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var file in new[] { "/js/app.js", "/css/console.css", "/i18n/nl.json", "/lib/signalr/signalr.min.js" })
        {
            var response = await http.GetAsync(file);
            Assert.True(response.IsSuccessStatusCode, file);
            Assert.Equal(policy, string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        }

        // The API, the OpenAPI document and the hub answer as before, without the page's policy.
        var openApi = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(await openApi.Content.ReadAsStringAsync()).RootElement.ValueKind);
        Assert.False(openApi.Headers.Contains("Content-Security-Policy"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/neighbourhoods")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/hubs/collab/negotiate?negotiateVersion=1", null)).StatusCode);
        var config = await (await http.GetAsync("/console/config.json")).JsonAsync(HttpStatusCode.OK);
        Assert.True(config.GetProperty("devTokens").GetBoolean());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("oidc").ValueKind);
    }

    [Fact]
    public void ThePolicyAllowsTheIdentityProviderOnlyForConnections()
    {
        var policy = Collab.Gateway.WebConsole.ConsoleHosting.ContentSecurityPolicy("https://login.example.org/realms/city");
        Assert.Contains("connect-src 'self' https://login.example.org;", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"LANGUAGES = \[([^\]]*)\]")]
    private static partial Regex LanguageList();

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?<![\w.])t\('([a-zA-Z][\w.\-]*)'")]
    private static partial Regex TextCall();

    [GeneratedRegex(@"data-i18n(?:-label|-placeholder|-title)?['""]?\s*[:=]\s*['""]([a-zA-Z][\w.\-]*)['""]")]
    private static partial Regex TextAttribute();

    [GeneratedRegex(@"(?:field|card)\((?:'[\w-]+', )?'([a-zA-Z][\w.\-]*)'")]
    private static partial Regex FieldCall();

    [GeneratedRegex(@"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|createContextualFragment|DOMParser")]
    private static partial Regex Unsafe();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();
}
