using System.Security.Cryptography;
using Collab.Categories;
using System.Text;
using Collab.Common;
using Collab.Gateway.Incidents;
using Collab.Gateway.Auth;
using Collab.Gateway.Localization;
using Collab.Gateway.Security;
using Collab.Gateway.Wire;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Open311;

/// <summary>
/// Open311 GeoReport v2 at <c>/open311/v2</c>, in <c>.json</c> and <c>.xml</c>. Service requests are
/// incidents; services are incident categories; <c>status</c> is <c>open</c> while an incident is
/// reported, acknowledged or dispatched, else <c>closed</c>. Everything read here is the public view.
/// </summary>
public static class Open311Api
{
    private const string Prefix = "/open311/v2";

    /// <summary>The most ids one <c>GET requests</c> may name in <c>service_request_id</c>; more is a 400.</summary>
    public const int MaxRequestIds = 50;

    /// <summary>The longest <c>device_id</c> / <c>account_id</c>: the reporter's id is <c>open311:{app}:{device}</c>.</summary>
    public const int MaxDeviceId = 128;

    /// <summary>The longest reporter name (<c>first_name</c> and <c>last_name</c> together).</summary>
    public const int MaxName = 200;

    /// <summary>
    /// Who reads incidents for Open311: a citizen who reported none of them, so the grain answers
    /// with the public view. Open311 reporters are <c>open311:{client}:{device}</c>, never this.
    /// </summary>
    private static readonly Actor PublicReader = new(ActorRole.Citizen, Caller.ReservedSubject, null, Languages.Default);

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Open311").AllowAnonymous();
        var reads = group.MapAnonymousReadGroup();
        reads.MapGet("/discovery.{format}", GetDiscovery);
        reads.MapGet("/services.{format}", ListServices);
        reads.MapGet("/services/{code}.{format}", GetServiceDefinition);
        reads.MapGet("/requests.{format}", ListServiceRequests);
        reads.MapGet("/requests/{id}.{format}", GetServiceRequest);
        group.MapCommandGroup().MapPost("/requests.{format}", CreateServiceRequest).DisableAntiforgery();
        return app;
    }

    private static bool Known(string format) => format is "json" or "xml";

    private static IResult GetDiscovery(string format, HttpRequest request, IOptions<Open311Options> options, Translations texts)
    {
        if (!Known(format)) return Problems.NotFound("format-not-supported", "Use .json or .xml.");
        var url = $"{request.Scheme}://{request.Host}{Prefix}/";
        return GeoReportWriter.Single(format, "discovery", new Dictionary<string, object?>
        {
            ["changeset"] = "2026-11-28T00:00:00Z",
            ["contact"] = options.Value.Contact,
            ["key_service"] = texts.Get("open311.key_service", Translations.RequestLanguage),
            ["endpoints"] = new[]
            {
                (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["specification"] = "http://wiki.open311.org/GeoReport_v2",
                    ["url"] = url,
                    ["changeset"] = "2026-11-28T00:00:00Z",
                    ["type"] = "production",
                    ["formats"] = new[] { "application/json", "text/xml" },
                },
            },
        });
    }

    private static IResult ListServices(string format, CityCategories categories, Translations texts)
    {
        if (!Known(format)) return Problems.NotFound("format-not-supported", "Use .json or .xml.");
        return GeoReportWriter.List(format, "services", "service", categories.All.Select(c => Service(c, texts, Translations.RequestLanguage)));
    }

    /// <summary>A service's definition: its category's questions, in the reader's language.</summary>
    private static IResult GetServiceDefinition(string code, string format, CityCategories categories, Translations texts)
    {
        if (!Known(format)) return Problems.NotFound("format-not-supported", "Use .json or .xml.");
        if (categories.Find(code) is not { } category) return GeoReportWriter.Error(format, 404, $"Unknown service_code '{code}'.");
        var language = Translations.RequestLanguage;
        return GeoReportWriter.Single(format, "service_definition", new Dictionary<string, object?>
        {
            ["service_code"] = code,
            ["attributes"] = category.Attributes.Select((a, i) => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
            {
                ["variable"] = true,
                ["code"] = a.Code,
                ["datatype"] = a.Datatype.ToString().ToLowerInvariant(),
                ["required"] = a.Required,
                ["datatype_description"] = null,
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

    private static async Task<IResult> CreateServiceRequest(string format, HttpRequest request, IGrainFactory grains, IOptions<Open311Options> options, CityCategories categories, Translations texts)
    {
        if (!Known(format)) return Problems.NotFound("format-not-supported", "Use .json or .xml.");
        IFormCollection form;
        try
        {
            form = request.HasFormContentType ? await request.ReadFormAsync() : FormCollection.Empty;
        }
        catch (InvalidDataException)
        {
            return GeoReportWriter.Error(format, 400, "The form body could not be read.");
        }

        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : request.Query[name].FirstOrDefault();
        var client = options.Value.ApiKeys.FirstOrDefault(k => Field("api_key") is { Length: > 0 } key && FixedTimeEquals(k.Value, key)).Key;
        if (client is null) return GeoReportWriter.Error(format, 403, "A valid api_key is required.");
        var code = Field("service_code");
        if (!categories.IsKnown(code)) return GeoReportWriter.Error(format, 400, $"Unknown service_code '{code}'.");
        if (Attributes(form) is not { } attributes) return GeoReportWriter.Error(format, 400, "attribute[code] names a question once, with one value unless it is a multivaluelist (attribute[code][]).");
        if (!double.TryParse(Field("lat"), System.Globalization.CultureInfo.InvariantCulture, out var lat)
            || !double.TryParse(Field("long"), System.Globalization.CultureInfo.InvariantCulture, out var lon))
        {
            return GeoReportWriter.Error(format, 400, "lat and long are required (address-only requests are not supported).");
        }

        // The reporting app is the actor; a device or account id (never an e-mail) tells its users apart.
        var device = Field("device_id") ?? Field("account_id") ?? "anonymous";
        var name = string.Join(' ', new[] { Field("first_name"), Field("last_name") }.Where(n => !string.IsNullOrWhiteSpace(n)));
        if (!TextRules.IsValid(device) || !TextRules.IsValid(name))
        {
            return GeoReportWriter.Error(format, 400, "device_id, account_id, first_name and last_name must not contain control characters.");
        }

        // The device is part of the reporter's id (grain keys, idempotency scopes): bounded like a token's subject.
        if (device.Length > MaxDeviceId || name.Length > MaxName)
        {
            return GeoReportWriter.Error(format, 400, $"device_id and account_id are at most {MaxDeviceId} characters; first_name and last_name together at most {MaxName}.");
        }

        var key = request.Headers[IdempotencyKeys.Header].FirstOrDefault();
        if (IdempotencyKeys.Check(key) is { } badKey) return GeoReportWriter.Error(format, 400, badKey.Message);

        // Under the reserved prefix no token's subject may take (Caller.IsValidSubject): an app's reporters are never a citizen's account.
        var actor = new Actor(ActorRole.Citizen, $"{Caller.ReservedSubject}:{client}:{device}", name.Length > 0 ? name : null, Languages.Default);
        // As REST's report: the id comes from (reporter, key) and the grain remembers the key, so a retry answers the same request.
        var id = IdempotencyKeys.IncidentId(actor, key);
        var outcome = await grains.GetGrain<IIncidentGrain>(id).ReportAsync(new ReportIncident(
            IdempotencyKeys.OrNew(key), actor, code!, Field("description") ?? "", new GeoPoint(lat, lon), Severity.Medium, Languages.Default,
            attributes.Count > 0 ? attributes : null));
        if (outcome.Error is { } error)
        {
            return GeoReportWriter.Error(format, error.Kind switch
            {
                ErrorKind.Invalid => 400,
                ErrorKind.NotFound => 404,
                ErrorKind.Conflict => 409,
                ErrorKind.Unprocessable => 422,
                _ => 403,
            }, error.Message);
        }

        return GeoReportWriter.List(format, "service_requests", "request",
        [
            new Dictionary<string, object?> { ["service_request_id"] = id, ["service_notice"] = texts.Get("open311.service_notice", Translations.RequestLanguage), ["account_id"] = null },
        ], 201);
    }

    /// <summary>
    /// The answers of a form, <c>attribute[code]=value</c> and, for a multivaluelist,
    /// <c>attribute[code][]=key</c> once per key (joined with commas); null when a question is answered twice.
    /// </summary>
    private static Dictionary<string, string>? Attributes(IFormCollection form)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in form)
        {
            if (!name.StartsWith("attribute[", StringComparison.Ordinal)) continue;
            var multi = name.EndsWith("][]", StringComparison.Ordinal);
            var code = multi ? name["attribute[".Length..^3] : name.EndsWith(']') ? name["attribute[".Length..^1] : null;
            if (string.IsNullOrEmpty(code) || code.Contains('[') || code.Contains(']')) return null;
            if ((!multi && values.Count != 1) || !answers.TryAdd(code, string.Join(',', values.Select(v => v ?? "")))) return null;
        }

        return answers;
    }

    private static async Task<IResult> GetServiceRequest(string id, string format, IGrainFactory grains, Translations texts)
    {
        if (!Known(format)) return Problems.NotFound("format-not-supported", "Use .json or .xml.");
        var row = (await RequestRows([id], grains, texts)).FirstOrDefault();
        return row is null
            ? GeoReportWriter.Error(format, 404, $"Unknown service_request_id '{id}'.")
            : GeoReportWriter.List(format, "service_requests", "request", [row]);
    }

    private static async Task<IResult> ListServiceRequests(string format, HttpRequest request, IGrainFactory grains, CityMap map, Translations texts)
    {
        if (!Known(format)) return Problems.NotFound("format-not-supported", "Use .json or .xml.");
        var query = request.Query;
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        if (query["service_request_id"].FirstOrDefault() is { Length: > 0 } ids)
        {
            var given = ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (given.Length > MaxRequestIds)
            {
                return GeoReportWriter.Error(format, 400, $"At most {MaxRequestIds} service_request_id values a request.");
            }

            rows.AddRange(await RequestRows(given, grains, texts));
            return GeoReportWriter.List(format, "service_requests", "request", rows);
        }

        var codes = query["service_code"].FirstOrDefault()?.Split(',', StringSplitOptions.TrimEntries);
        var status = query["status"].FirstOrDefault();
        DateTimeOffset? start = DateTimeOffset.TryParse(query["start_date"], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : null;
        DateTimeOffset? end = DateTimeOffset.TryParse(query["end_date"], System.Globalization.CultureInfo.InvariantCulture, out var e) ? e : null;
        start ??= (end ?? DateTimeOffset.UtcNow).AddDays(-90);
        foreach (var hood in map.All)
        {
            var view = await grains.GetGrain<INeighbourhoodGrain>(hood.Slug).GetAsync(Audience.Public);
            foreach (var incident in view.Value?.ActiveIncidents ?? [])
            {
                if (codes is not null && !codes.Contains(incident.Category)) continue;
                if (status is "closed") continue;
                if (incident.ReportedAt < start || (end is not null && incident.ReportedAt > end)) continue;
                rows.Add(SummaryRow(incident, texts));
            }
        }

        return GeoReportWriter.List(format, "service_requests", "request",
            rows.OrderByDescending(r => (string)r["requested_datetime"]!, StringComparer.Ordinal).Take(1_000));
    }

    /// <summary>
    /// The rows of the requests that exist, in the order given; malformed and unknown ids are left
    /// out. The directory is asked first, so an unknown id activates no incident.
    /// </summary>
    private static async Task<List<IReadOnlyDictionary<string, object?>>> RequestRows(IReadOnlyList<string> ids, IGrainFactory grains, Translations texts)
    {
        var keys = ids.Select(id => WireFormat.TryParseId(id, out var key) ? key : null).ToList();
        var existing = (await IncidentCommands.ExistingAsync(grains, keys.OfType<string>().Distinct(StringComparer.Ordinal).ToList()))
            .ToHashSet(StringComparer.Ordinal);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var key in keys)
        {
            if (key is not null && existing.Contains(key) && await RequestRow(key, grains, texts) is { } row) rows.Add(row);
        }

        return rows;
    }

    private static async Task<IReadOnlyDictionary<string, object?>?> RequestRow(string key, IGrainFactory grains, Translations texts)
    {
        var outcome = await grains.GetGrain<IIncidentGrain>(key).GetAsync(PublicReader);
        if (outcome.Value is not { } v) return null;
        var row = SummaryRow(new IncidentSummary(v.Id, v.Category, v.Status, v.Severity, v.Location, v.LocationBlurred, v.Neighbourhood, v.ReportedAt, v.UpdatedAt, 0), texts);
        row["description"] = v.Description;
        return row;
    }

    private static Dictionary<string, object?> SummaryRow(IncidentSummary i, Translations texts) => new()
    {
        ["service_request_id"] = i.Id,
        ["status"] = i.IsActive ? "open" : "closed",
        ["status_notes"] = WireFormat.Name(i.Status),
        ["service_name"] = texts.CategoryName(i.Category, Translations.RequestLanguage),
        ["service_code"] = i.Category,
        ["description"] = null,
        ["agency_responsible"] = texts.Get(texts.ConcernsCouncil(i.Category) ? "open311.agency.council-and-police" : "open311.agency.police", Translations.RequestLanguage),
        ["service_notice"] = null,
        ["requested_datetime"] = WireFormat.Time(i.ReportedAt),
        ["updated_datetime"] = WireFormat.Time(i.UpdatedAt),
        ["expected_datetime"] = null,
        ["address"] = null,
        ["address_id"] = null,
        ["zipcode"] = null,
        ["lat"] = i.Location.Lat,
        ["long"] = i.Location.Lon,
        ["media_url"] = null,
    };

    private static Dictionary<string, object?> Service(CityCategory c, Translations texts, string language) => new()
    {
        ["service_code"] = c.Code,
        ["service_name"] = texts.CategoryName(c.Code, language),
        ["description"] = texts.Format("open311.service_description", language, texts.CategoryName(c.Code, language)),
        ["metadata"] = c.Attributes.Count > 0,
        ["type"] = "realtime",
        ["keywords"] = string.Join(',', c.Keywords),
        ["group"] = texts.GroupName(c.Group, language),
    };

    private static bool FixedTimeEquals(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}
