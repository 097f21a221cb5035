using System.Diagnostics;
using System.Globalization;

namespace Collab.LoadTest.Serving;

/// <summary>
/// The child process (<c>--serve</c>): hosts the servers under test so their CPU and memory are
/// measured apart from the clients. It talks to the driver in lines prefixed with <c>@@</c> on
/// stdout (logs go to stderr) and takes <c>cpu</c>, <c>mem</c>, <c>counters</c> and <c>quit</c> on stdin.
/// </summary>
internal static class ServeMode
{
    public const string Prefix = "@@ ";

    public static async Task<int> RunAsync(LoadOptions options)
    {
        using var counters = new ServerCounters();
        using var allocations = AllocationSampler.FromEnvironment();
        IServedSystem system;
        try
        {
            system = options.Serve switch
            {
                "signalr" => await BareSignalRServer.StartAsync(),
                "collab" => await CollabServer.StartAsync(options.Storage, options.Postgres),
                "collab-silo" => await CollabServer.StartSiloAsync(options.Storage, options.Postgres),
                "collab-gateway" => await CollabServer.StartGatewayAsync(options.Storage, options.Postgres),
                _ => throw new ArgumentException($"Unknown --serve '{options.Serve}'."),
            };
        }
        catch (Exception ex)
        {
            // The driver shows this as the reason a scenario is n/a, so keep it to one line.
            Console.WriteLine($"{Prefix}failed {Flatten(ex)}");
            return 2;
        }

        await using (system)
        {
            Console.WriteLine($"{Prefix}ready {string.Join(' ', system.Info.Select(kv => $"{kv.Key}={kv.Value}"))}");
            await foreach (var line in Commands())
            {
                switch (line.Trim())
                {
                    case "cpu":
                        Console.WriteLine($"{Prefix}cpu {Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)}");
                        break;
                    case "mem":
                        // Three full collections so finalizable objects of closed connections are gone too.
                        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                        GC.WaitForPendingFinalizers();
                        var managed = GC.GetTotalMemory(forceFullCollection: true);
                        using (var self = Process.GetCurrentProcess())
                        {
                            Console.WriteLine($"{Prefix}mem {managed} {self.WorkingSet64}");
                        }

                        break;
                    case "gc":
                        // What this process's GC has done so far: a row's share of it is the difference of two readings.
                        Console.WriteLine($"{Prefix}{Driving.ServerGc.Reply()}");
                        break;
                    case "jit":
                        // Methods this process has compiled so far: the driver warms a path until this stops growing.
                        Console.WriteLine($"{Prefix}jit {System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false).ToString(CultureInfo.InvariantCulture)}");
                        break;
                    case "counters":
                        Console.WriteLine($"{Prefix}counters {counters.Json()}");
                        break;
                    case "quit":
                        return 0;
                    default:
                        Console.WriteLine($"{Prefix}error unknown command");
                        break;
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// Console input has no truly asynchronous read: <c>ReadLineAsync</c> would park a thread-pool
    /// thread for the whole run, and on a 2-core box that starves the very servers being measured.
    /// A dedicated thread reads instead.
    /// </summary>
    internal static IAsyncEnumerable<string> Commands()
    {
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var reader = new Thread(() =>
        {
            while (Console.ReadLine() is { } line)
            {
                lines.Writer.TryWrite(line);
            }

            lines.Writer.TryComplete();
        })
        { IsBackground = true, Name = "load-test commands" };
        reader.Start();
        return lines.Reader.ReadAllAsync();
    }

    internal static string Flatten(Exception ex)
    {
        var inner = ex;
        while (inner is AggregateException { InnerException: { } next })
        {
            inner = next;
        }

        return $"{inner.GetType().Name}: {inner.Message}".ReplaceLineEndings(" ");
    }
}
