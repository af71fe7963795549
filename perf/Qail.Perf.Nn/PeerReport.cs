using System.Diagnostics;
using System.Globalization;
using Qail.Kernels.Cpu;

namespace Qail.Perf.Nn;

/// <summary>
/// Step-time ratios against PyTorch at the same shapes (<c>peer/torch_steps.py</c>): both sides run in turn, one
/// workload at a time, at 1 and 2 threads, for several rounds, so load from other processes hits both alike; each
/// round gives a ratio of median wall times and one of mean process CPU times (the steadier figure on a shared
/// machine), and the table prints the median ratio over rounds. Skips with the reason when no
/// Python with torch is found (QAIL_TORCH_PYTHON names one; else python3, then /usr/bin/python3).
/// </summary>
public static class PeerReport
{
    /// <summary>
    /// Runs the workloads whose peer names (step-mlp, forward-cnn, ...) are in <paramref name="only"/> (all when
    /// null) for <paramref name="rounds"/> interleaved rounds at 1 and 2 threads and prints the table.
    /// </summary>
    public static int Run(IReadOnlyCollection<string>? only = null, int rounds = 5)
    {
        var mlp = PolicyFamily.Mlp();
        var cnn = PolicyFamily.Cnn();
        var transformer = PolicyFamily.Transformer();
        (string Name, string Peer, Action Body, int Calls)[] workloads =
        [
            ("train step, MLP 64-256-256-8, batch 256", "step-mlp", () => mlp.TrainStep(), 20),
            ("train step, ResNet CNN 3x32x32, batch 16", "step-cnn", () => cnn.TrainStep(), 6),
            ("train step, transformer 2x64d T=32, batch 16", "step-transformer", () => transformer.TrainStep(), 8),
            ("forward, MLP, batch 1", "forward-mlp", () => mlp.ForwardSingle(), 200),
            ("forward, ResNet CNN, batch 1", "forward-cnn", () => cnn.ForwardSingle(), 40),
            ("forward, transformer, batch 1", "forward-transformer", () => transformer.ForwardSingle(), 60),
        ];
        if (only is not null)
        {
            var unknown = only.Where(o => !workloads.Any(w => w.Peer == o)).ToArray();
            if (unknown.Length > 0)
            {
                Console.Error.WriteLine($"peer: unknown workload(s) {string.Join(", ", unknown)}.");
                return 2;
            }
            workloads = workloads.Where(w => only.Contains(w.Peer)).ToArray();
        }
        using var peer = TorchPeer.Start(out string? reason);
        if (peer is null)
        {
            Console.WriteLine($"peer skipped: {reason}");
            return 0;
        }
        Console.WriteLine($"Qail kernels: {KernelDispatch.Describe()}; peer: {peer.Info}");
        WarmUp(workloads.Select(w => w.Body));
        Console.WriteLine($"median over {rounds} interleaved rounds of the per-round ratio (Qail / PyTorch) of median "
            + "wall time and of mean process CPU time (all threads) per call");
        Console.WriteLine("| workload | threads | Qail wall ms | PyTorch wall ms | wall ratio | Qail CPU ms "
            + "| PyTorch CPU ms | CPU ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, peerName, body, calls) in workloads)
        {
            foreach (int threads in (int[])[1, 2])
            {
                var ours = new (double Wall, double Cpu)[rounds];
                var theirs = new (double Wall, double Cpu)[rounds];
                KernelThreads.With(threads, () =>
                {
                    for (int i = 0; i < 2; i++) body();
                    peer.Measure(peerName, threads, 2);
                    for (int r = 0; r < rounds; r++)
                    {
                        ours[r] = Measure(body, calls);
                        theirs[r] = peer.Measure(peerName, threads, calls);
                    }
                });
                double wallRatio = Middle(ours.Zip(theirs, (a, b) => a.Wall / b.Wall).ToArray());
                double cpuRatio = Middle(ours.Zip(theirs, (a, b) => a.Cpu / b.Cpu).ToArray());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {threads} | {Middle(ours.Select(o => o.Wall).ToArray()):F3} | "
                    + $"{Middle(theirs.Select(t => t.Wall).ToArray()):F3} | {wallRatio:F2} | "
                    + $"{Middle(ours.Select(o => o.Cpu).ToArray()):F3} | "
                    + $"{Middle(theirs.Select(t => t.Cpu).ToArray()):F3} | "
                    + $"{cpuRatio:F2} |"));
            }
        }
        return 0;
    }

    // Every workload past the JIT's tier-0 call count (30) for at least half a second, then a pause for the
    // background tier-1 compiles: otherwise the first (1-thread) rounds would time tier-0 code.
    private static void WarmUp(IEnumerable<Action> bodies)
    {
        foreach (var body in bodies)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 40 || Stopwatch.GetElapsedTime(start).TotalSeconds < 0.5; i++) body();
        }
        Thread.Sleep(1000);
    }

    private static (double Wall, double Cpu) Measure(Action body, int calls)
    {
        var times = new double[calls];
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        process.Refresh();
        return (Middle(times), (process.TotalProcessorTime - cpu).TotalMilliseconds / calls);
    }

    private static double Middle(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
