using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Collab.Gateway.Open311;

/// <summary>
/// Writes GeoReport v2 documents in either format from the same rows: JSON arrays/objects, or
/// XML with the standard's element names (<c>services/service</c>, <c>service_requests/request</c>,
/// <c>errors/error</c>); a list nested in a row is an element per item named for the list
/// (<c>attributes/attribute</c>, <c>values/value</c>, <c>formats/format</c>). Errors are the
/// standard's error arrays, never problem details.
/// </summary>
public static class GeoReportWriter
{
    public const string Json = "json";
    public const string Xml = "xml";

    /// <summary>The format a <c>.{format}</c> suffix names (case-insensitively), or null for one Open311 does not have.</summary>
    public static string? FormatOf(string? suffix) => suffix?.ToLowerInvariant() switch
    {
        Json => Json,
        Xml => Xml,
        _ => null,
    };

    /// <summary>The format to answer a request whose suffix is unknown or missing in: XML when the path ends in <c>.xml</c> or the client asks for XML only, else JSON.</summary>
    public static string FallbackFormat(HttpRequest request) =>
        request.Path.Value?.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) == true
        || (request.Headers.Accept.ToString() is { Length: > 0 } accept && accept.Contains("xml", StringComparison.OrdinalIgnoreCase) && !accept.Contains("json", StringComparison.OrdinalIgnoreCase))
            ? Xml
            : Json;

    public static IResult List(string format, string root, string item, IEnumerable<IReadOnlyDictionary<string, object?>> rows, int status = 200) =>
        format == Xml
            ? XmlResult(new XElement(root, rows.Select(r => Element(item, r))), status)
            : JsonResult(rows.ToList(), status);

    public static IResult Single(string format, string root, IReadOnlyDictionary<string, object?> row) =>
        format == Xml ? XmlResult(Element(root, row), 200) : JsonResult(row, 200);

    public static IResult Error(string format, int status, string description) =>
        List(format, "errors", "error", [new Dictionary<string, object?> { ["code"] = status, ["description"] = description }], status);

    /// <summary>An error for a request under <c>/open311</c> that no handler answered (a limit, a failure), in the format its path asks for.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string description) =>
        Error(FallbackFormat(context.Request), status, description).ExecuteAsync(context);

    public static bool IsOpen311(HttpRequest request) => request.Path.StartsWithSegments("/open311", StringComparison.OrdinalIgnoreCase);

    private static IResult JsonResult(object value, int status) =>
        TypedResults.Text(JsonSerializer.Serialize(value), "application/json", Encoding.UTF8, status);

    private static IResult XmlResult(XElement root, int status) =>
        TypedResults.Text(new XDeclaration("1.0", "utf-8", null) + Environment.NewLine + root, "text/xml", Encoding.UTF8, status);

    private static XElement Element(string name, IReadOnlyDictionary<string, object?> row) =>
        new(name, row.Select(kv => kv.Value switch
        {
            IEnumerable<IReadOnlyDictionary<string, object?>> nested => new XElement(kv.Key, nested.Select(n => Element(Singular(kv.Key), n))),
            IEnumerable<string> list => new XElement(kv.Key, list.Select(v => new XElement(Singular(kv.Key), v))),
            bool b => new XElement(kv.Key, b ? "true" : "false"),
            double d => new XElement(kv.Key, d.ToString(CultureInfo.InvariantCulture)),
            null => new XElement(kv.Key),
            var v => new XElement(kv.Key, Convert.ToString(v, CultureInfo.InvariantCulture)),
        }));

    private static string Singular(string plural) => plural.EndsWith('s') ? plural[..^1] : plural;
}
