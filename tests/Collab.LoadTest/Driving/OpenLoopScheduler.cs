using System.Diagnostics;

namespace Collab.LoadTest.Driving;

/// <summary>
/// Fires message i at <c>intended[i]</c> whatever happened to the earlier ones (open loop). It runs
/// on its own thread, not on timers of a thread pool busy with thousands of clients, so the
/// schedule holds; when it is late anyway, the lateness counts as latency (measured from intended).
/// </summary>
internal static class OpenLoopScheduler
{
    public static Task<Task[]> RunAsync(long[] intended, Func<int, Task> fire)
    {
        var done = new TaskCompletionSource<Task[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var sends = new Task[intended.Length];
            for (var i = 0; i < intended.Length; i++)
            {
                while (true)
                {
                    var wait = intended[i] - Stopwatch.GetTimestamp();
                    if (wait <= 0) break;
                    var ms = wait * 1000 / Stopwatch.Frequency;
                    if (ms >= 2) Thread.Sleep((int)ms - 1);
                    else Thread.Yield();
                }

                sends[i] = fire(i);
            }

            done.SetResult(sends);
        })
        { IsBackground = true, Name = "load-test scheduler" };
        thread.Start();
        return done.Task;
    }
}
