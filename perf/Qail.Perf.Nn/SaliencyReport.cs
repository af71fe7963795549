using System.Diagnostics;
using System.Globalization;
using Qail.Envs;
using Qail.Kernels.Cpu;
using Qail.Policies;
using Qail.Training;

namespace Qail.Perf.Nn;

/// <summary>
/// SQIL saliency of the libero-spatial VLA teacher (the demo's size: width 64, 2 blocks, 8x8 patches, 64 masks) over
/// four expert episodes: wall and process CPU seconds of <see cref="Saliency.PerMask"/> with 1 and 2 workers, after
/// one warm-up pass over the first episode's steps.
/// </summary>
public static class SaliencyReport
{
    public static void Run()
    {
        var demos = Demonstrations.Collect("libero-spatial", episodes: 4, seed: 3, actionNoise: 0.1);
        var teacher = new VlaPolicy(Env.Lookup("libero-spatial").Create().Spec, 0);
        Saliency.PerMask(teacher, Demonstrations.Collect("libero-spatial", episodes: 1, seed: 4), 8, 2);
        Console.WriteLine($"Qail kernels: {KernelDispatch.Describe()}; {demos.Steps} steps, patch 8");
        Console.WriteLine("| workers | wall s | CPU s | steps/s (wall) |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (int workers in (int[])[1, 2])
        {
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            KernelThreads.With(workers, () => Saliency.PerMask(teacher, demos, 8, workers));
            double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {workers} | {wall:F2} | {cpuSeconds:F2} | {demos.Steps / wall:F1} |"));
        }
    }
}
