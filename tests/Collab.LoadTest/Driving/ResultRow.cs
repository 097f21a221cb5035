namespace Collab.LoadTest.Driving;

/// <summary>One line of the table. Latencies in ms; NaN where a figure does not apply.</summary>
internal sealed record ResultRow(
    string Scenario,
    string Protocol,
    int N,
    string Load,
    double OfferedPerSecond,
    int Messages,
    long Delivered,
    long Expected,
    double DeliveredPerSecond,
    double P50,
    double P99,
    double P999,
    double AllP50,
    double AllP99,
    double ServerCpuMicrosPerMessage,
    double ClientCpuMicrosPerMessage,
    int Errors,
    string? Note = null)
{
    public static ResultRow NotAvailable(string scenario, string reason) =>
        new(scenario, "-", 0, "-", double.NaN, 0, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, $"n/a ({reason})");
}
