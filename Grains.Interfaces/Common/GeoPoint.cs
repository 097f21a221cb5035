namespace Collab.Common;

/// <summary>A WGS 84 position.</summary>
[GenerateSerializer, Immutable, Alias("collab.GeoPoint")]
public sealed record GeoPoint(
    [property: Id(0)] double Lat,
    [property: Id(1)] double Lon,
    [property: Id(2)] double? AccuracyM = null);
