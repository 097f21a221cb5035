using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using System.Xml.Schema;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>Alert languages in any case, twice or clashing with the base language, and texts CAP's XML cannot carry.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AlertLanguageAndTextTests(GatewayFixture fx)
{
    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";

    private static object Alert(string language, Dictionary<string, object> translations, string description = "Several break-ins tonight.") => new
    {
        headline = "Burglaries in Centrum",
        description,
        severity = "Severe",
        urgency = "Expected",
        certainty = "Likely",
        language,
        translations,
    };

    private static object Text(string headline, string description = "Beschrijving.") => new { headline, description };

    [Fact]
    public async Task LanguageTagsAreStoredInTheirCanonicalCaseAndTheCapDocumentCarriesThem()
    {
        using var http = fx.Http((await fx.UserAsync("council")).Token);
        var created = await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts",
            Alert("EN", new() { ["NL-be"] = Text("Inbraken"), ["FR"] = Text("Cambriolages") }))).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("en", created.Str("language"));
        Assert.Equal(["en", "fr", "nl-BE"], created.GetProperty("translations").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var xml = await CapAsync(created.Str("id"));
        Assert.Equal(["en", "fr", "nl-BE"], xml.Root!.Elements(Cap + "info").Select(i => i.Element(Cap + "language")!.Value));
    }

    [Theory]
    [InlineData("en", "nl", "NL", "nl")]
    [InlineData("en", "nl-be", "NL-BE", "nl-BE")]
    [InlineData("en", "EN", "nl", "en")]
    [InlineData("en", "en", "nl", "en")]
    [InlineData("nl-BE", "nl-be", "fr", "nl-BE")]
    public async Task TwoTextsInTheSameLanguageAreRefusedAndIssueNothing(string language, string first, string second, string clash)
    {
        using var http = fx.Http((await fx.UserAsync("council")).Token);
        var key = Guid.NewGuid().ToString("N");
        var response = await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts",
            Alert(language, new() { [first] = Text("Eerste"), [second] = Text("Tweede") }), key);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "language-duplicate");
        Assert.Contains($"'{clash}'", problem.Str("detail"));

        // Nothing was stored under the key: the same key with a good body issues a new alert.
        var created = await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts", Alert(language, new() { ["fr"] = Text("Cambriolages") }), key))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Burglaries in Centrum", created.Str("headline"));
        Assert.Equal(2, created.GetProperty("translations").EnumerateObject().Count());
    }

    [Theory]
    [InlineData("vertical\u000btab", "description")]
    [InlineData("nul\0byte", "description")]
    [InlineData("escape\u001b[31m", "description")]
    [InlineData("carriage\rreturn", "description")]
    [InlineData("bell\u0007", "headline")]
    [InlineData("next line\u0085", "headline")]
    [InlineData("evil\u202eexe.txt", "description")]
    [InlineData("isolate\u2067x\u2069", "headline")]
    [InlineData("not a character\uffff", "description")]
    public async Task TextsWithControlCharactersOrBidiOverridesAreRefusedAndIssueNothing(string text, string field)
    {
        using var http = fx.Http((await fx.UserAsync("council")).Token);
        foreach (var (body, where) in new[]
        {
            (field == "headline" ? new { headline = text, description = "ok" } : new { headline = "ok", description = text }, "base"),
            (new { headline = "ok", description = "ok" }, "translation"),
        })
        {
            var key = Guid.NewGuid().ToString("N");
            var translations = where == "base"
                ? new Dictionary<string, object> { ["nl"] = Text("Inbraken") }
                : new Dictionary<string, object> { ["nl"] = field == "headline" ? Text(text) : Text("Inbraken", text) };
            var alert = new { body.headline, body.description, severity = "Severe", urgency = "Expected", certainty = "Likely", language = "en", translations };

            var problem = await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts", alert, key)).ProblemAsync(HttpStatusCode.BadRequest, "text-invalid");
            Assert.Contains($"'{field}'", problem.Str("detail"));

            var created = await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts", Alert("en", new() { ["nl"] = Text("Inbraken") }), key))
                .JsonAsync(HttpStatusCode.Created);
            Assert.Equal("Burglaries in Centrum", created.Str("headline"));
        }
    }

    [Fact]
    public async Task NewlinesTabsAndRightToLeftTextAreKeptAndTheCapDocumentIsValid()
    {
        using var http = fx.Http((await fx.UserAsync("council")).Token);
        const string description = "Line one\nLine two\twith a tab, \u200fمرحبا\u200e and a family 👨\u200d👩\u200d👧";
        var created = await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts",
            Alert("en", new() { ["ar"] = Text("تحذير", description) }, description))).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(description, created.Str("description"));
        var xml = await CapAsync(created.Str("id"));
        Assert.All(xml.Root!.Elements(Cap + "info"), info => Assert.Equal(description, info.Element(Cap + "description")!.Value));
    }

    private async Task<XDocument> CapAsync(string id)
    {
        using var anonymous = fx.Http();
        var response = await anonymous.GetAsync($"/api/alerts/{id}/cap");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        var xml = XDocument.Parse(text);
        var schemas = new XmlSchemaSet();
        schemas.Add(Cap.NamespaceName, Path.Combine(AppContext.BaseDirectory, "Standards", "CAP-v1.2.xsd"));
        var errors = new List<string>();
        xml.Validate(schemas, (_, e) => errors.Add(e.Message));
        Assert.Empty(errors);
        return xml;
    }
}
