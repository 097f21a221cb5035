using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Collab.Categories;
using Collab.Common;
using Collab.Gateway.Auth;
using Collab.Gateway.Incidents;
using Collab.Gateway.Localization;
using Collab.Gateway.Wire;
using Collab.Hosting;
using Collab.Incidents;
using Collab.Neighbourhoods;
using Microsoft.Extensions.Options;

namespace Collab.Gateway.Open311;

/// <summary>
/// GeoReport v2 service requests: <c>POST requests</c> (form-encoded: <c>api_key</c>,
/// <c>service_code</c>, <c>lat</c>/<c>long</c>, <c>attribute[code]</c>, <c>jurisdiction_id</c>, ...),
/// <c>GET requests</c> with its filters (<see cref="Open311Query"/>), <c>GET requests/{id}</c> and
/// <c>GET tokens/{token}</c>. Requests are filed at once, so a request's token is its id.
/// </summary>
public static class Open311Requests
{
    /// <summary>The longest <c>device_id</c> / <c>account_id</c>: the reporter's id is <c>open311:{app}:{device}</c>.</summary>
    public const int MaxDeviceId = 128;

    /// <summary>The longest reporter name (<c>first_name</c> and <c>last_name</c> together).</summary>
    public const int MaxName = 200;

    /// <summary>Closed requests are listed from each neighbourhood's latest changes: this many per neighbourhood.</summary>
    private const int RecentChanges = 256;

    /// <summary>The form fields one request may give once only (<c>attribute[code][]</c> repeats for a multivaluelist).</summary>
    private static readonly string[] SingleFields =
        ["api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email", "device_id", "account_id",
         "first_name", "last_name", "phone", "description", "media_url"];

    public static async Task<IResult> CreateServiceRequest(string format, HttpRequest request, IGrainFactory grains, IOptions<Open311Options> options,
        IOptions<CityOptions> city, CityCategories categories, Translations texts)
    {
        if (GeoReportWriter.FormatOf(format) is not { } f) return Open311Api.UnknownFormat(format, request);
        if (!request.HasFormContentType && request.ContentLength is > 0)
        {
            return GeoReportWriter.Error(f, 400, "The body must be form-encoded (application/x-www-form-urlencoded).");
        }

        IFormCollection form;
        try
        {
            form = request.HasFormContentType ? await request.ReadFormAsync() : FormCollection.Empty;
        }
        catch (InvalidDataException)
        {
            return GeoReportWriter.Error(f, 400, "The form body could not be read.");
        }

        if (SingleFields.FirstOrDefault(name => form[name].Count > 1) is { } repeated) return GeoReportWriter.Error(f, 400, $"'{repeated}' is given more than once.");
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : request.Query[name].FirstOrDefault();
        var client = options.Value.ApiKeys.FirstOrDefault(k => Field("api_key") is { Length: > 0 } key && FixedTimeEquals(k.Value, key)).Key;
        if (client is null) return GeoReportWriter.Error(f, 403, "A valid api_key is required.");
        if (Open311Api.CheckJurisdiction(Field("jurisdiction_id"), options, city) is { } wrong) return GeoReportWriter.Error(f, 400, wrong);
        var code = Field("service_code");
        if (string.IsNullOrEmpty(code)) return GeoReportWriter.Error(f, 400, "service_code is required.");
        if (categories.Find(code) is not { } category) return GeoReportWriter.Error(f, 400, $"Unknown service_code '{Open311Api.Shown(code)}'.");
        if (Attributes(form) is not { } attributes) return GeoReportWriter.Error(f, 400, "attribute[code] names a question once, with one value unless it is a multivaluelist (attribute[code][]).");
        if (Field("lat") is null && Field("long") is null && (Field("address_string") is not null || Field("address_id") is not null))
        {
            return GeoReportWriter.Error(f, 400, "lat and long are required: this city does not locate requests by address.");
        }

        if (!TryCoordinate(Field("lat"), out var lat) || !TryCoordinate(Field("long"), out var lon))
        {
            return GeoReportWriter.Error(f, 400, "lat and long are required, as decimal degrees (WGS 84).");
        }

        // The reporting app is the actor; a device or account id (never an e-mail) tells its users apart. E-mail and phone are not kept.
        var device = Field("device_id") ?? Field("account_id") ?? "anonymous";
        var name = string.Join(' ', new[] { Field("first_name"), Field("last_name") }.Where(n => !string.IsNullOrWhiteSpace(n)));
        if (!TextRules.IsValid(device) || !TextRules.IsValid(name))
        {
            return GeoReportWriter.Error(f, 400, "device_id, account_id, first_name and last_name must not contain control characters.");
        }

        // The device is part of the reporter's id (grain keys, idempotency scopes): bounded like a token's subject.
        if (device.Length > MaxDeviceId || name.Length > MaxName)
        {
            return GeoReportWriter.Error(f, 400, $"device_id and account_id are at most {MaxDeviceId} characters; first_name and last_name together at most {MaxName}.");
        }

        var key = request.Headers[IdempotencyKeys.Header].FirstOrDefault();
        if (IdempotencyKeys.Check(key) is { } badKey) return GeoReportWriter.Error(f, 400, badKey.Message);

        // The standard makes a description optional; an incident needs one: the service's name stands in.
        var description = Field("description") is { } given && !string.IsNullOrWhiteSpace(given) ? given : texts.CategoryName(category.Code, Languages.Default);
        // Under the reserved prefix no token's subject may take (Caller.IsValidSubject): an app's reporters are never a citizen's account.
        var actor = new Actor(ActorRole.Citizen, $"{Caller.ReservedSubject}:{client}:{device}", name.Length > 0 ? name : null, Languages.Default);
        // As REST's report: the id comes from (reporter, key) and the grain remembers the key, so a retry answers the same request.
        var id = IdempotencyKeys.IncidentId(actor, key);
        var outcome = await grains.GetGrain<IIncidentGrain>(id).ReportAsync(new ReportIncident(
            key, actor, category.Code, description, new GeoPoint(lat, lon), Severity.Medium, Languages.Default,
            attributes.Count > 0 ? attributes : null));
        if (outcome.Error is { } error)
        {
            return GeoReportWriter.Error(f, error.Kind switch
            {
                ErrorKind.Invalid => 400,
                ErrorKind.NotFound => 404,
                ErrorKind.Conflict => 409,
                ErrorKind.Unprocessable => 422,
                _ => 403,
            }, error.Message);
        }

        return GeoReportWriter.List(f, "service_requests", "request",
        [
            new Dictionary<string, object?>
            {
                ["service_request_id"] = id,
                ["service_notice"] = texts.Get("open311.service_notice", Translations.RequestLanguage),
                ["account_id"] = Field("account_id") is { Length: > 0 } account ? account : null,
            },
        ], 201);
    }

    public static async Task<IResult> GetServiceRequest(string id, string format, HttpRequest request, IGrainFactory grains, Translations texts,
        IOptions<Open311Options> options, IOptions<CityOptions> city)
    {
        if (GeoReportWriter.FormatOf(format) is not { } f) return Open311Api.UnknownFormat(format, request);
        if (Open311Api.CheckJurisdiction(request.Query["jurisdiction_id"], options, city) is { } wrong) return GeoReportWriter.Error(f, 404, wrong);
        var row = WireFormat.TryParseId(id, out var key) ? (await RequestRows([key], grains, texts)).FirstOrDefault() : null;
        return row is null
            ? GeoReportWriter.Error(f, 404, $"Unknown service_request_id '{Open311Api.Shown(id)}'.")
            : GeoReportWriter.List(f, "service_requests", "request", [row]);
    }

    /// <summary>Requests are filed at once: a request's token is its id, and names it as soon as it is answered.</summary>
    public static async Task<IResult> GetToken(string token, string format, HttpRequest request, IGrainFactory grains,
        IOptions<Open311Options> options, IOptions<CityOptions> city)
    {
        if (GeoReportWriter.FormatOf(format) is not { } f) return Open311Api.UnknownFormat(format, request);
        if (Open311Api.CheckJurisdiction(request.Query["jurisdiction_id"], options, city) is { } wrong) return GeoReportWriter.Error(f, 404, wrong);
        if (!WireFormat.TryParseId(token, out var key) || (await IncidentCommands.ExistingAsync(grains, [key])).Count == 0)
        {
            return GeoReportWriter.Error(f, 404, $"Unknown token '{Open311Api.Shown(token)}'.");
        }

        return GeoReportWriter.List(f, "service_requests", "request", [new Dictionary<string, object?> { ["service_request_id"] = key, ["token"] = key }]);
    }

    public static async Task<IResult> ListServiceRequests(string format, HttpRequest request, IGrainFactory grains, CityMap map, CityCategories categories,
        Translations texts, TimeProvider clock, IOptions<Open311Options> options, IOptions<CityOptions> city)
    {
        if (GeoReportWriter.FormatOf(format) is not { } f) return Open311Api.UnknownFormat(format, request);
        if (Open311Api.CheckJurisdiction(request.Query["jurisdiction_id"], options, city) is { } wrong) return GeoReportWriter.Error(f, 404, wrong);
        var (query, error) = Open311Query.Parse(request.Query, categories, clock.GetUtcNow());
        if (query is null) return GeoReportWriter.Error(f, 400, error!);
        if (query.RequestIds is { } ids) return GeoReportWriter.List(f, "service_requests", "request", await RequestRows(ids, grains, texts));

        var latest = new Dictionary<string, IncidentSummary>(StringComparer.Ordinal);
        foreach (var hood in map.All)
        {
            var grain = grains.GetGrain<INeighbourhoodGrain>(hood.Slug);
            if ((await grain.GetAsync(Audience.Public)).Value is not { } view) continue;
            if (query.Closed)
            {
                // Closed requests leave the live picture: the neighbourhood's latest changes still hold them.
                var page = await grain.ReadAsync(Audience.Public, Math.Max(0, view.Seq - RecentChanges), RecentChanges);
                foreach (var e in page.Events)
                {
                    if (e.Data is NeighbourhoodIncidentUpdatedData { Incident: var changed }) latest[changed.Id] = changed;
                }
            }

            foreach (var active in view.ActiveIncidents) latest[active.Id] = active;
        }

        var rows = latest.Values
            .Where(i => (i.IsActive ? query.Open : query.Closed)
                && (query.ServiceCodes is null || query.ServiceCodes.Contains(i.Category))
                && i.ReportedAt >= query.Start && i.ReportedAt <= query.End)
            .OrderByDescending(i => i.ReportedAt)
            .Take(Open311Query.MaxResults)
            .Select(i => SummaryRow(i, texts));
        return GeoReportWriter.List(f, "service_requests", "request", rows);
    }

    /// <summary>
    /// The rows of the requests that exist, in the order given; unknown ids are left out. The
    /// directory is asked first, so an unknown id activates no incident.
    /// </summary>
    private static async Task<List<IReadOnlyDictionary<string, object?>>> RequestRows(IReadOnlyList<string> keys, IGrainFactory grains, Translations texts)
    {
        var existing = (await IncidentCommands.ExistingAsync(grains, keys.Distinct(StringComparer.Ordinal).ToList())).ToHashSet(StringComparer.Ordinal);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var key in keys.Where(existing.Contains))
        {
            if ((await grains.GetGrain<IIncidentGrain>(key).GetAsync(Open311Api.PublicReader)).Value is not { } v) continue;
            var row = SummaryRow(new IncidentSummary(v.Id, v.Category, v.Status, v.Severity, v.Location, v.LocationBlurred, v.Neighbourhood, v.ReportedAt, v.UpdatedAt, 0), texts);
            row["description"] = v.Description;
            rows.Add(row);
        }

        return rows;
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

    private static bool TryCoordinate(string? text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool FixedTimeEquals(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}
