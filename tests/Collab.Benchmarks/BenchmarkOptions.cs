using System.Globalization;

namespace Collab.Benchmarks;

/// <summary>Command-line settings: <c>--pg</c> names a server (the benchmark creates and drops its own database on it); without it a throwaway PostgreSQL is started.</summary>
public sealed record BenchmarkOptions(string? ConnectionString, int Grains, int Appends, int Concurrency)
{
    public static BenchmarkOptions? Parse(string[] args)
    {
        var options = new BenchmarkOptions(null, 2_000, 10_000, 16);
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                return null;
            }

            var value = args[++i];
            options = args[i - 1] switch
            {
                "--pg" => options with { ConnectionString = value },
                "--grains" => options with { Grains = int.Parse(value, CultureInfo.InvariantCulture) },
                "--appends" => options with { Appends = int.Parse(value, CultureInfo.InvariantCulture) },
                "--concurrency" => options with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => null,
            };
            if (options is null)
            {
                return null;
            }
        }

        return options;
    }
}
