using System.Net;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>Neighbourhood alerts: issued live on the city stream, served as JSON and as valid CAP 1.2.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AlertTests(GatewayFixture fx)
{
    private static readonly object Alert = new
    {
        headline = "Burglaries in Centrum",
        description = "Several break-ins tonight. Lock doors and windows.",
        severity = "severe",
        urgency = "Expected",
        certainty = "Likely",
        expires = DateTimeOffset.UtcNow.AddDays(1),
        language = "en",
        translations = new Dictionary<string, object>
        {
            ["nl"] = new { headline = "Inbraken in Centrum", description = "Meerdere inbraken vannacht. Sluit deuren en ramen." },
            ["fr"] = new { headline = "Cambriolages au Centrum", description = "Plusieurs cambriolages cette nuit." },
        },
    };

    [Fact]
    public async Task AnAlertReachesTheCityStreamLiveAndIsValidCapWithOneInfoPerLanguage()
    {
        var council = await fx.UserAsync("council");
        var citizen = await fx.UserAsync("citizen");
        await using var live = await LiveClient.ConnectAsync(fx.GatewayB, citizen.Token);
        var subscribed = await live.SubscribeAsync("city");

        var created = await (await fx.Http(council.Token).PostJsonAsync("/api/neighbourhoods/centrum/alerts", Alert, "alert-1")).JsonAsync(HttpStatusCode.Created);
        var id = created.Str("id");
        Assert.Equal("Severe", created.Str("severity"));
        var again = await (await fx.Http(council.Token).PostJsonAsync("/api/neighbourhoods/centrum/alerts", Alert, "alert-1")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(id, again.Str("id"));

        WireEvent issued;
        do
        {
            issued = await live.NextAsync("city", "alert.issued");
        }
        while (issued.Get("alert.id") != id);
        Assert.True(issued.Seq > subscribed.CurrentSeq);
        Assert.Equal("centrum", issued.Get("alert.neighbourhood"));

        using var anonymous = fx.Http();
        var json = await (await anonymous.GetAsync($"/api/alerts/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Burglaries in Centrum", json.Str("headline"));
        Assert.Equal("Inbraken in Centrum", json.GetProperty("translations").GetProperty("nl").Str("headline"));

        var cap = await anonymous.GetAsync($"/api/alerts/{id}/cap");
        Assert.Equal("application/cap+xml", cap.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await cap.Content.ReadAsStringAsync());
        Validate(xml);
        XNamespace ns = "urn:oasis:names:tc:emergency:cap:1.2";
        Assert.Equal(["en", "fr", "nl"], xml.Root!.Elements(ns + "info").Select(i => i.Element(ns + "language")!.Value).Order());
        Assert.Equal(id, xml.Root.Element(ns + "identifier")!.Value);
        Assert.EndsWith("-00:00", xml.Root.Element(ns + "sent")!.Value);
    }

    [Fact]
    public async Task EachReaderGetsTheAlertInTheirLanguageTranslatedOncePerGroup()
    {
        var council = await fx.UserAsync("council");
        var dutch = await fx.TokenAsync($"citizen-{Guid.NewGuid():N}", "citizen", lang: "nl-BE");
        var english = await fx.TokenAsync($"citizen-{Guid.NewGuid():N}", "citizen", lang: "en");
        var german = await fx.TokenAsync($"citizen-{Guid.NewGuid():N}", "citizen", lang: "de");
        await using var nl = await LiveClient.ConnectAsync(fx.GatewayA, dutch);
        await using var en = await LiveClient.ConnectAsync(fx.GatewayA, english, messagePack: true);
        await using var de = await LiveClient.ConnectAsync(fx.GatewayA, german);
        foreach (var client in new[] { nl, en, de })
        {
            await client.SubscribeAsync("city");
        }

        var id = (await (await fx.Http(council.Token).PostJsonAsync("/api/neighbourhoods/centrum/alerts", Alert)).JsonAsync(HttpStatusCode.Created)).Str("id");
        foreach (var (client, headline, language) in new[] { (nl, "Inbraken in Centrum", "nl"), (en, "Burglaries in Centrum", "en"), (de, "Burglaries in Centrum", "en") })
        {
            WireEvent issued;
            do
            {
                issued = await client.NextAsync("city", "alert.issued");
            }
            while (issued.Get("alert.id") != id);
            Assert.Equal(headline, issued.Get("alert.headline"));
            Assert.Equal(language, issued.Get("alert.textLanguage"));
        }
    }

    [Fact]
    public async Task BadAlertsAreRefusedAndIssueNothing()
    {
        var council = await fx.UserAsync("council");
        var citizen = await fx.UserAsync("citizen");
        using var http = fx.Http(council.Token);
        await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts", new { headline = "x", description = "y", severity = "apocalyptic", urgency = "Expected", certainty = "Likely" })).ProblemAsync(HttpStatusCode.BadRequest, "unknown-severity");
        await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts", new { description = "y", severity = "Minor", urgency = "Expected", certainty = "Likely" })).ProblemAsync(HttpStatusCode.BadRequest, "headline-invalid");
        await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts", new { headline = "x", description = "y", severity = "Minor", urgency = "Expected", certainty = "Likely", expires = DateTimeOffset.UtcNow.AddDays(-1) })).ProblemAsync(HttpStatusCode.BadRequest, "expires-invalid");
        await (await http.PostJsonAsync("/api/neighbourhoods/centrum/alerts", new { headline = "x", description = "y", severity = "Minor", urgency = "Expected", certainty = "Likely", translations = new Dictionary<string, object> { ["not a language"] = new { headline = "a", description = "b" } } })).ProblemAsync(HttpStatusCode.BadRequest, "language-invalid");
        await (await http.PostJsonAsync("/api/neighbourhoods/atlantis/alerts", Alert)).ProblemAsync(HttpStatusCode.NotFound, "neighbourhood-not-found");
        await (await fx.Http(citizen.Token).PostJsonAsync("/api/neighbourhoods/centrum/alerts", Alert)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await http.GetAsync($"/api/alerts/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound, "alert-not-found");
        await (await http.GetAsync("/api/alerts/nope/cap")).ProblemAsync(HttpStatusCode.NotFound, "alert-not-found");
    }

    private static void Validate(XDocument xml)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add("urn:oasis:names:tc:emergency:cap:1.2", Path.Combine(AppContext.BaseDirectory, "Standards", "CAP-v1.2.xsd"));
        var errors = new List<string>();
        xml.Validate(schemas, (_, e) => errors.Add(e.Message));
        Assert.Empty(errors);
    }
}
