using Collab.Categories;
using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Incidents;
using Collab.Gateway.Localization;
using Collab.Gateway.Security;
using Collab.Hosting;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Open311;

/// <summary>
/// Open311 GeoReport v2 at <c>/open311/v2</c>, in <c>.json</c> and <c>.xml</c>: discovery, services,
/// service definitions (the category's questions), service requests (<see cref="Open311Requests"/>)
/// and tokens. Service requests are incidents; services are the city's categories; <c>status</c>
/// is <c>open</c> while an incident is reported, acknowledged or dispatched, else <c>closed</c>.
/// Everything read here is the public view, in the request's language. Every error, an unknown
/// format or path included, is the standard's error array in the requested format.
/// </summary>
public static class Open311Api
{
    public const string Prefix = "/open311/v2";

    public const string Changeset = "2026-11-29T00:00:00Z";

    /// <summary>
    /// Who reads incidents for Open311: a citizen who reported none of them, so the grain answers
    /// with the public view. Open311 reporters are <c>open311:{client}:{device}</c>, never this.
    /// </summary>
    internal static readonly Actor PublicReader = new(ActorRole.Citizen, Caller.ReservedSubject, null, Languages.Default);

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Open311").AllowAnonymous();
        var reads = group.MapAnonymousReadGroup();
        reads.MapGet("/discovery.{format}", GetDiscovery);
        reads.MapGet("/services.{format}", ListServices);
        reads.MapGet("/services/{code}.{format}", GetServiceDefinition);
        reads.MapGet("/requests.{format}", Open311Requests.ListServiceRequests);
        reads.MapGet("/requests/{id}.{format}", Open311Requests.GetServiceRequest);
        reads.MapGet("/tokens/{token}.{format}", Open311Requests.GetToken);
        // Anything else under the prefix, whatever the method: an Open311 error, not the framework's problem.
        reads.Map("/{**rest}", (HttpRequest request) =>
            GeoReportWriter.Error(GeoReportWriter.FallbackFormat(request), 404, $"No Open311 resource at {request.Method} {Prefix}/…; see {Prefix}/discovery.json."));
        group.MapCommandGroup().MapPost("/requests.{format}", Open311Requests.CreateServiceRequest).DisableAntiforgery();
        return app;
    }

    /// <summary>The error for a <c>.{format}</c> suffix that is neither <c>json</c> nor <c>xml</c>, in JSON (or XML if the client asks for it).</summary>
    internal static IResult UnknownFormat(string format, HttpRequest request) =>
        GeoReportWriter.Error(GeoReportWriter.FallbackFormat(request), 400, $"Unsupported format '.{Shown(format)}': Open311 answers .json or .xml.");

    /// <summary>Null when <c>jurisdiction_id</c> is absent or names this city, else why not.</summary>
    internal static string? CheckJurisdiction(string? given, IOptions<Open311Options> options, IOptions<CityOptions> city)
    {
        var ours = string.IsNullOrWhiteSpace(options.Value.JurisdictionId) ? city.Value.Id : options.Value.JurisdictionId;
        return string.IsNullOrEmpty(given) || given == ours ? null : $"Unknown jurisdiction_id '{Shown(given)}'; this endpoint serves '{ours}'.";
    }

    private static IResult GetDiscovery(string format, HttpRequest request, IOptions<Open311Options> options, Translations texts)
    {
        if (GeoReportWriter.FormatOf(format) is not { } f) return UnknownFormat(format, request);
        return GeoReportWriter.Single(f, "discovery", new Dictionary<string, object?>
        {
            ["changeset"] = Changeset,
            ["contact"] = options.Value.Contact,
            ["key_service"] = texts.Get("open311.key_service", Translations.RequestLanguage),
            ["endpoints"] = new[]
            {
                (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["specification"] = "http://wiki.open311.org/GeoReport_v2",
                    ["url"] = $"{request.Scheme}://{request.Host}{Prefix}",
                    ["changeset"] = Changeset,
                    ["type"] = "production",
                    ["formats"] = new[] { "text/xml", "application/json" },
                },
            },
        });
    }

    private static IResult ListServices(string format, HttpRequest request, CityCategories categories, Translations texts,
        IOptions<Open311Options> options, IOptions<CityOptions> city)
    {
        if (GeoReportWriter.FormatOf(format) is not { } f) return UnknownFormat(format, request);
        if (CheckJurisdiction(request.Query["jurisdiction_id"], options, city) is { } wrong) return GeoReportWriter.Error(f, 404, wrong);
        var language = Translations.RequestLanguage;
        return GeoReportWriter.List(f, "services", "service", categories.All.Select(c => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["service_code"] = c.Code,
            ["service_name"] = texts.CategoryName(c.Code, language),
            ["description"] = texts.Format("open311.service_description", language, texts.CategoryName(c.Code, language)),
            ["metadata"] = c.Attributes.Count > 0,
            ["type"] = "realtime",
            ["keywords"] = string.Join(',', c.Keywords),
            ["group"] = texts.GroupName(c.Group, language),
        }));
    }

    /// <summary>A service's definition: its category's questions, in the reader's language.</summary>
    private static IResult GetServiceDefinition(string code, string format, HttpRequest request, CityCategories categories, Translations texts,
        IOptions<Open311Options> options, IOptions<CityOptions> city)
    {
        if (GeoReportWriter.FormatOf(format) is not { } f) return UnknownFormat(format, request);
        if (CheckJurisdiction(request.Query["jurisdiction_id"], options, city) is { } wrong) return GeoReportWriter.Error(f, 404, wrong);
        if (categories.Find(code) is not { } category) return GeoReportWriter.Error(f, 404, $"Unknown service_code '{Shown(code)}'.");
        var language = Translations.RequestLanguage;
        return GeoReportWriter.Single(f, "service_definition", new Dictionary<string, object?>
        {
            ["service_code"] = category.Code,
            ["attributes"] = category.Attributes.Select((a, i) => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
            {
                ["variable"] = true,
                ["code"] = a.Code,
                ["datatype"] = a.Datatype.ToString().ToLowerInvariant(),
                ["required"] = a.Required,
                ["datatype_description"] = a.Datatype switch
                {
                    AttributeDatatype.Datetime => "ISO 8601, e.g. 2026-11-28T23:30:00Z",
                    AttributeDatatype.Number => "a decimal number, e.g. 2 or 2.5",
                    _ => null,
                },
                ["order"] = i + 1,
                ["description"] = texts.AttributeQuestion(a, language),
                ["values"] = a.Values.Select(v => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["key"] = v.Key,
                    ["name"] = texts.AttributeValueName(a, v, language),
                }).ToList(),
            }).ToList(),
        });
    }

    internal static string Shown(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
