using Collab.Common;

namespace Collab.Incidents;

/// <summary>Snaps a location to the centre of a grid cell, so the public never sees an exact address.</summary>
internal static class LocationBlur
{
    public static GeoPoint Blur(GeoPoint exact, bool sensitive, PrivacyOptions options)
    {
        var grid = sensitive
            ? options.SensitiveGridDegrees
            : options.PublicGridDegrees;
        if (grid <= 0)
        {
            return exact with { AccuracyM = exact.AccuracyM };
        }

        var lat = Snap(exact.Lat, grid);
        var lon = Snap(exact.Lon, grid);
        // Half a cell's diagonal in metres, roughly: what the blurred point may be off by.
        var accuracy = Math.Round(grid * 111_320 * 0.71);
        return new GeoPoint(lat, lon, accuracy);
    }

    private static double Snap(double value, double grid) =>
        Math.Round((Math.Floor(value / grid) + 0.5) * grid, 6);
}
