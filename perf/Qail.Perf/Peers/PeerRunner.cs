using System.Diagnostics;
using System.Globalization;

namespace Qail.Perf.Peers;

/// <summary>
/// Runs peer comparisons in one process: both sides warmed up, then timed in alternating rounds (so
/// machine noise hits both alike), each sample long enough to time, median per call; prints ours/peer.
/// </summary>
internal static class PeerRunner
{
    private static bool _threadCpu;

    /// <summary>
    /// Runs every comparison whose name contains <paramref name="filter"/> (all when null); with
    /// <paramref name="threadCpu"/> each side is timed by the calling thread's CPU time instead of wall time.
    /// </summary>
    public static int Run(string? filter, int rounds, TimeSpan sampleTarget, bool threadCpu = false)
    {
        if (threadCpu && !ThreadCpuClock.IsAvailable)
        {
            Console.Error.WriteLine("--thread-cpu needs Linux (CLOCK_THREAD_CPUTIME_ID).");
            return 1;
        }
        _threadCpu = threadCpu;
        var selected = PeerComparisons.All()
            .Where(c => filter is null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"No peer comparison matches '{filter}'.");
            return 1;
        }
        Console.WriteLine($"# peers: {selected.Count} comparisons, {rounds} interleaved rounds, median per call; ratio "
            + "= ours / peer time (< 1: we are faster)");
        if (threadCpu)
            Console.WriteLine("# clock: calling thread's CPU time (1-thread rows only: other threads are not counted)");
        Console.WriteLine($"# Qail path: {Qail.Kernels.Cpu.KernelDispatch.Describe()}, sgemm tile "
            + $"{Qail.Kernels.Cpu.Sgemm.DescribeKernel()}");
        if (threadCpu)
            Console.WriteLine(
                "# wall columns: the same samples timed by the wall clock (the ratio for rows where the peer"
                + " runs several threads)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"comparison",-34} {"peer",-12} {"ours us",11} {"peer us",11} {"ratio",7} {"ours GF/s",10} "
            + $"{"peer GF/s",10}")
            + (threadCpu ? $" {"ours wall",10} {"peer wall",10} {"wall ratio",10}" : ""));
        foreach (var comparison in selected)
        {
            using var pair = comparison.Prepare();
            var (ours, oursWall) = Measure(pair.Ours, pair.Peer, rounds, sampleTarget, out var peer, out var peerWall);
            var flops = comparison.Flops;
            string Rate(double seconds) =>
                flops > 0 ? (flops / seconds / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{comparison.Name,-34} {comparison.Peer,-12} {ours * 1e6,11:F1} {peer * 1e6,11:F1} {ours / peer,7:F3} "
                + $"{Rate(ours),10} {Rate(peer),10}")
                + (threadCpu ? string.Create(CultureInfo.InvariantCulture,
                    $" {oursWall * 1e6,10:F1} {peerWall * 1e6,10:F1} {oursWall / peerWall,10:F3}") : ""));
        }
        return 0;
    }

    // Median seconds per call of each side (the run's clock, and the wall clock), sampled alternately, the order
    // swapped every round.
    private static (double Clock, double Wall) Measure(Action ours, Action peer, int rounds, TimeSpan sampleTarget,
        out double peerSeconds, out double peerWall)
    {
        int oursCalls = Calibrate(ours, sampleTarget), peerCalls = Calibrate(peer, sampleTarget);
        var oursSamples = new (double Clock, double Wall)[rounds];
        var peerSamples = new (double Clock, double Wall)[rounds];
        for (var r = 0; r < rounds; r++)
        {
            if (r % 2 == 0)
            {
                oursSamples[r] = Sample(ours, oursCalls);
                peerSamples[r] = Sample(peer, peerCalls);
            }
            else
            {
                peerSamples[r] = Sample(peer, peerCalls);
                oursSamples[r] = Sample(ours, oursCalls);
            }
        }
        (peerSeconds, peerWall) = (Median(peerSamples.Select(s => s.Clock)), Median(peerSamples.Select(s => s.Wall)));
        return (Median(oursSamples.Select(s => s.Clock)), Median(oursSamples.Select(s => s.Wall)));
    }

    // Warms up (caches, thread pools, and the JIT: tier-1 code only arrives after the 100 ms tiering delay
    // and 30 counted calls), then picks a call count that fills the sample target.
    private static int Calibrate(Action action, TimeSpan sampleTarget)
    {
        var warmup = TimeSpan.FromMilliseconds(300);
        var warm = Stopwatch.StartNew();
        var calls = 0;
        do
        {
            action();
            calls++;
        } while (calls < 3 || (warm.Elapsed < warmup && calls < 2000));
        var perCall = Sample(action, Math.Max(1, calls / 2)).Clock;
        return (int)Math.Clamp(sampleTarget.TotalSeconds / perCall, 1, 1_000_000);
    }

    // Seconds per call by the run's clock (the thread's CPU time with --thread-cpu, else the wall clock) and by the
    // wall clock.
    private static (double Clock, double Wall) Sample(Action action, int calls)
    {
        var cpu = _threadCpu ? ThreadCpuClock.Seconds() : 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++) action();
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
        return (_threadCpu ? (ThreadCpuClock.Seconds() - cpu) / calls : wall, wall);
    }

    private static double Median(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
