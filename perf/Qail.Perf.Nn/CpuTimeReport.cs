using System.Diagnostics;
using System.Globalization;

namespace Qail.Perf.Nn;

/// <summary>
/// A quick table for noisy shared machines: for each workload, the median wall time and the mean process CPU time
/// per call over a fixed number of calls (CPU time counts every thread, so it bounds single-core cost from above
/// and is far less sensitive than wall time to other processes competing for the cores).
/// </summary>
public static class CpuTimeReport
{
    public static void Run()
    {
        var mlp = PolicyFamily.Mlp();
        var cnn = PolicyFamily.Cnn();
        var transformer = PolicyFamily.Transformer();
        (string Name, Action Body, int Calls)[] workloads =
        [
            ("train step, MLP 64-256-256-8, batch 256", () => mlp.TrainStep(), 40),
            ("train step, ResNet CNN 3x32x32, batch 16", () => cnn.TrainStep(), 6),
            ("train step, transformer 2x64d T=32, batch 16", () => transformer.TrainStep(), 10),
            ("forward, MLP, batch 1", () => mlp.ForwardSingle(), 400),
            ("forward, ResNet CNN, batch 1", () => cnn.ForwardSingle(), 40),
            ("forward, transformer, batch 1", () => transformer.ForwardSingle(), 60),
        ];
        Console.WriteLine("| workload | median wall ms | CPU ms per call |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, body, calls) in workloads)
        {
            for (int i = 0; i < Math.Max(2, calls / 5); i++) body();
            var process = Process.GetCurrentProcess();
            var walls = new double[calls];
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            for (int i = 0; i < calls; i++)
            {
                long start = Stopwatch.GetTimestamp();
                body();
                walls[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            process.Refresh();
            double cpuPerCall = (process.TotalProcessorTime - cpu).TotalMilliseconds / calls;
            Array.Sort(walls);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {walls[calls / 2]:F3} | {cpuPerCall:F3} |"));
        }
    }
}
