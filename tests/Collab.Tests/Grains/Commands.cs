using Collab.Common;
using Collab.Incidents;

namespace Collab.Tests.Grains;

/// <summary>Actors and commands for grain tests; fresh ids each time.</summary>
public static class Commands
{
    public static Actor Citizen(string? id = null) => new(ActorRole.Citizen, id ?? $"citizen-{Guid.NewGuid():N}", "Ana", "en");

    public static Actor Police() => new(ActorRole.Police, $"police-{Guid.NewGuid():N}", "Officer", "en");

    public static Actor Council() => new(ActorRole.Council, $"council-{Guid.NewGuid():N}", "Clerk", "en");

    public static string NewId() => Guid.NewGuid().ToString("D");

    public static string Key() => Guid.NewGuid().ToString("N");

    public static ReportIncident Report(Actor actor, string category = "vandalism", double lat = 52.0712, double lon = 4.2811) =>
        new(Key(), actor, category, "Broken window", new GeoPoint(lat, lon, 5), Severity.Medium, "en");
}
