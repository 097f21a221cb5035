using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Collab.LoadTest.Serving;

/// <summary>
/// Which types a server child allocates, for finding the sources of GC work: the runtime's
/// allocation ticks (one about every 100 KB allocated, naming the type whose allocation crossed
/// the mark) summed per type. On when the child's environment has <c>COLLAB_LOADTEST_ALLOC_FILE</c>;
/// the table is written to that path with the process id appended when the child exits. Sampling costs the server a little, so the
/// figures of a run with it on are not the ones to report.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly string _file;

    private AllocationSampler(string file) => _file = file;

    public static AllocationSampler? FromEnvironment() =>
        Environment.GetEnvironmentVariable("COLLAB_LOADTEST_ALLOC_FILE") is { Length: > 0 } file ? new AllocationSampler(file) : null;

    public override void Dispose()
    {
        base.Dispose();
        var total = _bytes.Values.Sum();
        var table = new StringBuilder($"allocation ticks by type: {total / 1_048_576.0:F0} MB sampled{Environment.NewLine}");
        foreach (var (type, bytes) in _bytes.OrderByDescending(t => t.Value).Take(60))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"{100.0 * bytes / Math.Max(total, 1),6:F2}%  {bytes / 1_048_576.0,9:F1} MB  {type}");
        }

        File.WriteAllText($"{_file}.{Environment.ProcessId}", table.ToString());
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? e.Payload![t] as string : null;
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload![a], CultureInfo.InvariantCulture) : 0;
        _bytes.AddOrUpdate(type ?? "?", amount, (_, sum) => sum + amount);
    }
}
