using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Collab.Gateway.Open311;

/// <summary>
/// Writes GeoReport v2 documents in either format from the same rows: JSON arrays/objects, or
/// XML with the standard's element names (<c>services/service</c>, <c>service_requests/request</c>, <c>errors/error</c>).
/// </summary>
public static class GeoReportWriter
{
    public static IResult List(string format, string root, string item, IEnumerable<IReadOnlyDictionary<string, object?>> rows, int status = 200) =>
        format == "xml"
            ? Xml(new XElement(root, rows.Select(r => Element(item, r))), status)
            : Json(rows.ToList(), status);

    public static IResult Single(string format, string root, IReadOnlyDictionary<string, object?> row) =>
        format == "xml" ? Xml(Element(root, row), 200) : Json(row, 200);

    public static IResult Error(string format, int status, string description) =>
        List(format, "errors", "error", [new Dictionary<string, object?> { ["code"] = status, ["description"] = description }], status);

    private static IResult Json(object value, int status) =>
        TypedResults.Text(JsonSerializer.Serialize(value), "application/json", Encoding.UTF8, status);

    private static IResult Xml(XElement root, int status) =>
        TypedResults.Text(new XDeclaration("1.0", "utf-8", null) + Environment.NewLine + root, "text/xml", Encoding.UTF8, status);

    private static XElement Element(string name, IReadOnlyDictionary<string, object?> row) =>
        new(name, row.Select(kv => kv.Value switch
        {
            IEnumerable<IReadOnlyDictionary<string, object?>> nested => new XElement(kv.Key, nested.Select(n => Element(kv.Key.TrimEnd('s'), n))),
            IEnumerable<string> list => new XElement(kv.Key, string.Join(',', list)),
            bool b => new XElement(kv.Key, b ? "true" : "false"),
            double d => new XElement(kv.Key, d.ToString(CultureInfo.InvariantCulture)),
            null => new XElement(kv.Key),
            var v => new XElement(kv.Key, Convert.ToString(v, CultureInfo.InvariantCulture)),
        }));
}
