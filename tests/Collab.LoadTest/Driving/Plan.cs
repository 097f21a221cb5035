namespace Collab.LoadTest.Driving;

/// <summary>How long and how hard each run is; <c>--quick</c> keeps the whole invocation within a few minutes.</summary>
internal sealed record Plan(
    bool Quick,
    int[] Sweep,
    TimeSpan LightDuration,
    TimeSpan HeavyDuration,
    TimeSpan ClosedDuration,
    TimeSpan Drain,
    TimeSpan Linger,
    int IdleConnections)
{
    /// <summary>The light rate of T2: updates per second.</summary>
    public const double LightRate = 5;

    /// <summary>Deliveries per second the heavy runs offer; above what this box can do, so they measure capacity.</summary>
    public const double HeavyDeliveries = 250_000;

    public const int InFlight = 64;

    /// <summary>
    /// How many times each row that T1 and T6 judge runs (the saturating rows at N = 1,000 with JSON
    /// and the loaded notes rows), alternating the systems; each target takes the median of its
    /// per-round ratios. On a shared 2-core box one pair of 1.5-s rows read anywhere from 1.1 to
    /// 1.8 for the same build: one round decided a target by the noise of that moment.
    /// </summary>
    public const int Rounds = 3;

    /// <summary>
    /// How long a closed-loop row runs unmeasured before it is measured: long enough for the JIT to
    /// finish tiering the path up, so baselines and Collab are both compared warm (at 0.5 s a
    /// do-nothing echo measured at a third of its warm rate, and a command at under half).
    /// </summary>
    public TimeSpan Warmup => Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(5);

    /// <summary>Incident notes: subscribers (citizens, JSON), the incidents they all follow, the officers who post.</summary>
    public const int NotesSubscribers = 1_000;

    public const int NotesIncidents = 4;

    public const int Officers = 200;

    /// <summary>Offered notes per second, one row each.</summary>
    public double[] NoteRates => Quick ? [320] : [10, 160, 320, 640];

    /// <summary>
    /// How long a notes row offers its rate: the light rate as long as the light runs, the others
    /// as long as the heavy ones (T6 is judged on this row, and a shorter one reads the servers' CPU
    /// over too few deliveries to be stable), but never more than a few hundred notes.
    /// </summary>
    public TimeSpan NotesDuration(double rate) => rate <= 10
        ? LightDuration
        : TimeSpan.FromSeconds(Math.Min(HeavyDuration.TotalSeconds, (Quick ? 500 : 1_000) / rate));

    /// <remarks>
    /// The light rows (T2 is their p99) offer 100 messages (20 s at the light rate), with
    /// <c>--quick</c> too: with 10, and then 30, their p99 was the slowest single message (the 99th
    /// percentile of fewer than 100 samples is the largest), and one pause of either server decided
    /// the target. The saturating rows (T1, T5, T6) run 1.5 s with <c>--quick</c> (0.6 s
    /// before): their CPU per delivery then rests on ~300,000 deliveries rather than ~100,000.
    /// The closed-loop rows (T3's rounds) are measured 6 s with <c>--quick</c> and 10 s without: measured 2 s, one
    /// run's rounds of the same build read T3 anywhere from 0.34 to 0.62 (a bare echo row 37,000/s in
    /// one round and 54,000/s in the next, as a row caught the box's transients); in one run each,
    /// measured 6 s they were within 0.09 of each other, and 12 s within 0.04. A slow stretch of the
    /// machine still moves a whole round (a 10-s run read 0.46, 0.58, 0.46): hence the median.
    /// </remarks>
    public static Plan From(LoadOptions o)
    {
        var plan = o.Quick
            ? new Plan(true, o.Sweep, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), o.IdleConnections)
            : new Plan(false, o.Sweep, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), o.IdleConnections);
        return o.ClosedSeconds is { } closed ? plan with { ClosedDuration = TimeSpan.FromSeconds(closed) } : plan;
    }

    /// <summary>Updates per second offered to N clients in a heavy run.</summary>
    public static double HeavyRate(int n) => Math.Clamp(HeavyDeliveries / n, LightRate, 1_000);

    /// <summary>The (N, load) runs of one protocol, in growing N so one pool serves them all.</summary>
    public IEnumerable<(int N, string Load)> Runs(bool messagePack)
    {
        var largest = Sweep.Max();
        foreach (var n in Sweep.Order())
        {
            var light = n >= 100 && (!Quick || !messagePack);
            var heavy = !Quick || n == largest;
            if (light) yield return (n, "light");
            if (heavy) yield return (n, "heavy");
        }
    }
}
