namespace Collab.Tests.Gateway;

/// <summary>Report bodies inside the demo city.</summary>
public static class Sample
{
    /// <summary>A point in the demo city's Centrum.</summary>
    public static object Report(string category = "vandalism", string description = "Bus shelter glass smashed", double lat = 52.0712, double lon = 4.2811) =>
        new { category, description, location = new { lat, lon, accuracyM = 10 }, severity = "medium" };
}
