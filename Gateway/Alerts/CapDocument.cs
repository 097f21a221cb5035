using System.Globalization;
using System.Xml.Linq;
using Collab.Alerts;
using Collab.Gateway.Localization;
using Collab.Neighbourhoods;
using NetTopologySuite.Geometries;

namespace Collab.Gateway.Alerts;

/// <summary>Renders an alert as an OASIS CAP 1.2 message with one <c>info</c> block per language, its <c>event</c> in that language.</summary>
public static class CapDocument
{
    public const string ContentType = "application/cap+xml";
    private static readonly XNamespace Cap = "urn:oasis:names:tc:emergency:cap:1.2";

    public static XDocument Render(AlertView alert, NeighbourhoodInfo area, Geometry shape, string cityName, Translations texts)
    {
        var infos = alert.Texts
            .OrderBy(t => t.Key == alert.Language ? 0 : 1)
            .ThenBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new XElement(Cap + "info",
                new XElement(Cap + "language", t.Key),
                new XElement(Cap + "category", "Safety"),
                new XElement(Cap + "event", texts.Get("alert.event", t.Key)),
                new XElement(Cap + "urgency", alert.Urgency),
                new XElement(Cap + "severity", alert.Severity),
                new XElement(Cap + "certainty", alert.Certainty),
                alert.Expires is { } expires ? new XElement(Cap + "expires", Time(expires)) : null,
                new XElement(Cap + "senderName", cityName),
                new XElement(Cap + "headline", t.Value.Headline),
                new XElement(Cap + "description", t.Value.Description),
                new XElement(Cap + "area",
                    new XElement(Cap + "areaDesc", area.Name),
                    Polygons(shape).Select(p => new XElement(Cap + "polygon", p)))));
        return new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(Cap + "alert",
                new XElement(Cap + "identifier", alert.Id),
                new XElement(Cap + "sender", $"{alert.CityId}@collab"),
                new XElement(Cap + "sent", Time(alert.Sent)),
                // A training exercise's alert says so, as CAP provides.
                new XElement(Cap + "status", alert.Exercise is null ? "Actual" : "Exercise"),
                new XElement(Cap + "msgType", "Alert"),
                new XElement(Cap + "scope", alert.Exercise is null ? "Public" : "Restricted"),
                alert.Exercise is null ? null : new XElement(Cap + "restriction", $"Training exercise {alert.Exercise}: its trainees only"),
                infos));
    }

    /// <summary>CAP forbids "Z": UTC is written -00:00.</summary>
    public static string Time(DateTimeOffset t) =>
        t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "-00:00";

    /// <summary>
    /// Each part's outer ring as "lat,lon" pairs, first and last equal, as CAP wants (one
    /// <c>polygon</c> per part of a multipolygon; CAP has no holes, so an alert covers them too).
    /// </summary>
    private static IEnumerable<string> Polygons(Geometry shape) =>
        Enumerable.Range(0, shape.NumGeometries).Select(shape.GetGeometryN).OfType<Polygon>().Select(polygon =>
            string.Join(' ', polygon.ExteriorRing.Coordinates.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Y},{c.X}"))));
}
