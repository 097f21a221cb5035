using Collab.LoadTest.Clients;
using HdrHistogram;

namespace Collab.LoadTest.Driving;

/// <summary>
/// One run's receipts over every client process: the latency of each receipt, and per message the
/// moment the last of all N clients had it ("allN"), which only the merged per-message counts tell.
/// </summary>
internal sealed class Deliveries
{
    private readonly LongHistogram _each = new(Receipts.MaxMicros, 3);
    private readonly LongHistogram _all = new(Receipts.MaxMicros, 3);

    private Deliveries(IReadOnlyList<ReceiptReport> reports, int messages, int acknowledged)
    {
        Clients = reports.Sum(r => r.Clients);
        Delivered = reports.Sum(r => r.Delivered);
        Expected = (long)acknowledged * Clients;
        Duplicates = reports.Sum(r => r.Duplicates);
        Stray = reports.Sum(r => r.Stray);
        Resyncs = reports.Sum(r => r.Resyncs);
        ResyncedClients = reports.Sum(r => r.ResyncedClients);
        ClosedClients = reports.Sum(r => r.ClosedClients);
        Missing = reports.Sum(r => r.Missing);
        MissingSilent = reports.Sum(r => r.MissingSilent);
        LastReceipt = reports.Select(r => r.LastReceipt).DefaultIfEmpty(0).Max();
        ClientCpu = TimeSpan.FromMilliseconds(reports.Sum(r => r.CpuMilliseconds));
        foreach (var report in reports)
        {
            for (var k = 0; k + 1 < report.Each.Length; k += 2)
            {
                _each.RecordValueWithCount(report.Each[k], report.Each[k + 1]);
            }
        }

        for (var i = 0; i < messages; i++)
        {
            if (reports.Sum(r => r.Received.Length > i ? r.Received[i] : 0) >= Clients && Clients > 0)
            {
                _all.RecordValue(reports.Max(r => r.Slowest.Length > i ? r.Slowest[i] : 0));
            }
        }
    }

    public int Clients { get; }

    public long Delivered { get; }

    /// <summary>Acknowledged messages × clients.</summary>
    public long Expected { get; }

    public long Duplicates { get; }

    public long Stray { get; }

    public long Resyncs { get; }

    public int ResyncedClients { get; }

    public int ClosedClients { get; }

    public long Missing { get; }

    public long MissingSilent { get; }

    public long LastReceipt { get; }

    /// <summary>CPU of the client processes (not the driver's own).</summary>
    public TimeSpan ClientCpu { get; }

    public static Deliveries Merge(IReadOnlyList<ReceiptReport> reports, int messages, int acknowledged) => new(reports, messages, acknowledged);

    /// <summary>Milliseconds at a percentile of every receipt.</summary>
    public double Each(double percentile) => Percentile(_each, percentile);

    /// <summary>Milliseconds at a percentile of, per message, the last of N clients' receipt.</summary>
    public double All(double percentile) => Percentile(_all, percentile);

    private static double Percentile(LongHistogram h, double percentile) =>
        h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile) / 1000.0;
}
