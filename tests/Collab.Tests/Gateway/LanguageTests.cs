using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Collab.Tests.Infrastructure;

namespace Collab.Tests.Gateway;

/// <summary>
/// Seven languages through real HTTP and SignalR: REST answers in the request's Accept-Language
/// (else the token's lang, else English; a region falls back to its language), pushes in the
/// connection's language, problems with a translated title, Open311 and CAP in the reader's language.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class LanguageTests(GatewayFixture fx)
{
    [Theory]
    [InlineData("fr-CH", null, "Vandalisme", "Signalé", "Moyenne", "fr")]
    [InlineData("de-AT, en;q=0.5", null, "Vandalismus", "Gemeldet", "Mittel", "de")]
    [InlineData("sv, it;q=0.8", null, "Vandalismo", "Segnalato", "Media", "it")]
    [InlineData(null, "es-MX", "Vandalismo", "Notificado", "Media", "es")]
    [InlineData("sv", "nl-BE", "Vandalisme", "Gemeld", "Gemiddeld", "nl")]
    [InlineData("pt-PT", "nl", "Vandalismo", "Comunicado", "Média", "pt")]
    [InlineData(null, null, "Vandalism", "Reported", "Medium", "en")]
    public async Task RestAnswersInTheAcceptLanguageElseTheTokensLanguageElseEnglish(
        string? acceptLanguage, string? tokenLanguage, string category, string status, string severity, string contentLanguage)
    {
        var sub = $"citizen-{Guid.NewGuid():N}";
        using var http = fx.Http(await fx.TokenAsync(sub, "citizen", tokenLanguage));
        if (acceptLanguage is not null) http.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);

        var created = await http.PostJsonAsync("/api/incidents", Sample.Report());
        var body = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(category, body.Str("categoryName"));
        Assert.Equal(status, body.Str("statusName"));
        Assert.Equal(severity, body.Str("severityName"));
        Assert.Equal("reported", body.Str("status"));
        Assert.Equal(contentLanguage, created.Content.Headers.ContentLanguage.Single());

        var feed = JsonDocument.Parse(await (await http.GetAsync("/api/neighbourhoods/centrum/incidents.geojson")).Content.ReadAsStringAsync()).RootElement;
        var mine = feed.GetProperty("features").EnumerateArray().Single(f => f.Str("id") == body.Str("id")).GetProperty("properties");
        Assert.Equal(category, mine.Str("categoryName"));
        Assert.Equal(status, mine.Str("statusName"));
    }

    [Theory]
    [InlineData("es", "Categoría desconocida")]
    [InlineData("de-CH", "Unbekannte Kategorie")]
    [InlineData("nl", "Onbekende categorie")]
    [InlineData("ja", "Unknown category")]
    public async Task AProblemsTitleIsInTheRequestsLanguageAndItsCodeStaysStable(string acceptLanguage, string title)
    {
        using var http = fx.Http((await fx.UserAsync("citizen")).Token);
        http.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);
        var problem = await (await http.PostJsonAsync("/api/incidents", Sample.Report(category: "unicorns"))).ProblemAsync(HttpStatusCode.BadRequest, "unknown-category");
        Assert.Equal(title, problem.Str("title"));
        Assert.Equal("urn:collab:problem:unknown-category", problem.Str("type"));
    }

    [Fact]
    public async Task FrameworkProblemsGetATranslatedTitleToo()
    {
        using var http = fx.Http();
        http.DefaultRequestHeaders.Add("Accept-Language", "fr");
        var problem = await (await http.GetAsync($"/api/incidents/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Authentification requise", problem.Str("title"));
        var unknown = await (await http.GetAsync("/api/neighbourhoods/atlantis")).ProblemAsync(HttpStatusCode.NotFound, "neighbourhood-not-found");
        Assert.Equal("Quartier introuvable", unknown.Str("title"));
    }

    [Fact]
    public async Task PushesUseEachConnectionsLanguage()
    {
        var police = await fx.UserAsync("police");
        var portuguese = await fx.TokenAsync($"council-{Guid.NewGuid():N}", "council", "pt-BR");
        var german = await fx.TokenAsync($"council-{Guid.NewGuid():N}", "council", "de");
        var reporterSub = $"citizen-{Guid.NewGuid():N}";
        var reporter = await fx.TokenAsync(reporterSub, "citizen", "it");
        await using var ptLive = await LiveClient.ConnectAsync(fx.GatewayA, portuguese);
        await using var deLive = await LiveClient.ConnectAsync(fx.GatewayB, german);
        await using var reporterLive = await LiveClient.ConnectAsync(fx.GatewayA, reporter);
        await ptLive.SubscribeAsync("neighbourhood:centrum");
        await deLive.SubscribeAsync("neighbourhood:centrum");
        await reporterLive.SubscribeAsync("me");

        // The reporter's HTTP client asks for English: REST answers in English, pushes stay Italian.
        using var reporterHttp = fx.Http(reporter);
        reporterHttp.DefaultRequestHeaders.Add("Accept-Language", "en");
        var created = await (await reporterHttp.PostJsonAsync("/api/incidents", Sample.Report(category: "noise"))).JsonAsync(HttpStatusCode.Created);
        var id = created.Str("id");
        Assert.Equal("Noise", created.Str("categoryName"));

        var pt = await NextFor(ptLive, id);
        Assert.Equal("Ruído", pt.Get("incident.categoryName"));
        Assert.Equal("Comunicado", pt.Get("incident.statusName"));
        var de = await NextFor(deLive, id);
        Assert.Equal("Lärmbelästigung", de.Get("incident.categoryName"));
        Assert.Equal("Mittel", de.Get("incident.severityName"));
        Assert.Equal("La sua segnalazione è stata ricevuta.", (await reporterLive.NextAsync("me", "me.notification")).Get("message"));

        await (await fx.Http(police.Token).PostJsonAsync($"/api/incidents/{id}/status", new { status = "acknowledged" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Stato della sua segnalazione: Preso in carico.", (await reporterLive.NextAsync("me", "me.notification")).Get("message"));
        Assert.Equal("Bestätigt", (await NextFor(deLive, id)).Get("incident.statusName"));
    }

    [Fact]
    public async Task Open311AndCapAnswerInTheReadersLanguage()
    {
        using var http = fx.Http();
        http.DefaultRequestHeaders.Add("Accept-Language", "es");
        var services = JsonDocument.Parse(await (await http.GetAsync("/open311/v2/services.json")).Content.ReadAsStringAsync()).RootElement;
        var fire = services.EnumerateArray().Single(s => s.Str("service_code") == "fire");
        Assert.Equal("Incendio", fire.Str("service_name"));
        Assert.Equal("Incendio: comuníquelo a la policía y al ayuntamiento.", fire.Str("description"));
        Assert.Equal("Seguridad", fire.Str("group"));
        var discovery = XDocument.Parse(await (await http.GetAsync("/open311/v2/discovery.xml")).Content.ReadAsStringAsync());
        Assert.Equal("Solicite una clave de API al ayuntamiento.", discovery.Root!.Element("key_service")!.Value);

        var council = await fx.UserAsync("council");
        var alert = await (await fx.Http(council.Token).PostJsonAsync("/api/neighbourhoods/centrum/alerts", new
        {
            headline = "Burglaries in Centrum",
            description = "Several burglaries last night.",
            severity = "moderate",
            urgency = "expected",
            certainty = "likely",
            language = "en",
            translations = new Dictionary<string, object> { ["nl"] = new { headline = "Inbraken", description = "Meerdere inbraken." }, ["it-CH"] = new { headline = "Furti", description = "Diversi furti." } },
        })).JsonAsync(HttpStatusCode.Created);
        XNamespace cap = "urn:oasis:names:tc:emergency:cap:1.2";
        var xml = XDocument.Parse(await (await http.GetAsync($"/api/alerts/{alert.Str("id")}/cap")).Content.ReadAsStringAsync());
        var events = xml.Root!.Elements(cap + "info").ToDictionary(i => i.Element(cap + "language")!.Value, i => i.Element(cap + "event")!.Value);
        Assert.Equal("Neighbourhood safety alert", events["en"]);
        Assert.Equal("Veiligheidswaarschuwing voor de wijk", events["nl"]);
        Assert.Equal("Allerta di sicurezza del quartiere", events["it-CH"]);
    }

    private static async Task<WireEvent> NextFor(LiveClient live, string id)
    {
        while (true)
        {
            var e = await live.NextAsync("neighbourhood:centrum");
            if (e.Get("incident.id") == id) return e;
        }
    }
}
