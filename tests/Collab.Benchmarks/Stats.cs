using System.Globalization;

namespace Collab.Benchmarks;

/// <summary>Percentiles of a set of latencies, in milliseconds.</summary>
public sealed class Stats(IEnumerable<double> milliseconds)
{
    private readonly double[] _sorted = [.. milliseconds.Order()];

    public double P50 => At(0.50);

    public double P99 => At(0.99);

    public double Max => _sorted[^1];

    public int Count => _sorted.Length;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50,7:F2} ms  p99 {P99,7:F2} ms  max {Max,7:F2} ms  (n={Count})");

    private double At(double quantile) => _sorted[Math.Clamp((int)Math.Ceiling(quantile * _sorted.Length) - 1, 0, _sorted.Length - 1)];
}
