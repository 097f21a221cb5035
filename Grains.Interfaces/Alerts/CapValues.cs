namespace Collab.Alerts;

/// <summary>The CAP 1.2 code lists an alert's severity, urgency and certainty come from.</summary>
public static class CapValues
{
    public static readonly string[] Severities = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"];
    public static readonly string[] Urgencies = ["Immediate", "Expected", "Future", "Past", "Unknown"];
    public static readonly string[] Certainties = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"];

    /// <summary>The list's own spelling of <paramref name="value"/> (case-insensitive), or null.</summary>
    public static string? Match(string[] list, string? value) =>
        list.FirstOrDefault(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));
}
