using System.Diagnostics;
using System.Globalization;
using Qail.Kernels.Cpu;

namespace Qail.Perf.Nn;

/// <summary>
/// Step-time ratios against PyTorch at the same shapes (<c>peer/torch_steps.py</c>): both sides run in turn, one
/// workload at a time, at 1 and 2 threads, for several rounds, so load from other processes hits both alike; each
/// round gives a ratio of medians and the table prints the median ratio over rounds. Skips with the reason when no
/// Python with torch is found (QAIL_TORCH_PYTHON names one; else python3, then /usr/bin/python3).
/// </summary>
public static class PeerReport
{
    private const int Rounds = 5;

    public static int Run()
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
        using var peer = TorchPeer.Start(out string? reason);
        if (peer is null)
        {
            Console.WriteLine($"peer skipped: {reason}");
            return 0;
        }
        Console.WriteLine($"Qail kernels: {KernelDispatch.Describe()}; peer: {peer.Info}");
        Console.WriteLine($"median over {Rounds} interleaved rounds of (Qail median / PyTorch median); ms are medians");
        Console.WriteLine("| workload | threads | Qail ms | PyTorch ms | ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, peerName, body, calls) in workloads)
        {
            foreach (int threads in (int[])[1, 2])
            {
                var ours = new double[Rounds];
                var theirs = new double[Rounds];
                var ratios = new double[Rounds];
                KernelThreads.With(threads, () =>
                {
                    for (int i = 0; i < 2; i++) body();
                    peer.Median(peerName, threads, 2);
                    for (int r = 0; r < Rounds; r++)
                    {
                        ours[r] = Median(body, calls);
                        theirs[r] = peer.Median(peerName, threads, calls);
                        ratios[r] = ours[r] / theirs[r];
                    }
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {threads} | {Middle(ours):F3} | {Middle(theirs):F3} | {Middle(ratios):F2} |"));
            }
        }
        return 0;
    }

    private static double Median(Action body, int calls)
    {
        var times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Middle(times);
    }

    private static double Middle(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
