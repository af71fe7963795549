using System.Diagnostics;
using System.Globalization;
using Qail.Envs;
using Qail.Kernels.Cpu;
using Qail.Policies;
using Qail.Training;

namespace Qail.Perf.Nn;

/// <summary>
/// SQIL saliency of the demo's image teachers (the libero-spatial VLA and the driving CILRS CNN, untrained: the cost
/// does not depend on the weights) over a few expert episodes, with the study's 8-pixel patches (64 masks) and the
/// image demos' 16-pixel patches (16 masks): wall and process CPU seconds of <see cref="Saliency.PerMask"/> with
/// 1 and 2 workers, after one warm-up pass, and the CPU per demonstration step that a demo's saliency scales with.
/// </summary>
public static class SaliencyReport
{
    public static void Run()
    {
        Console.WriteLine($"Qail kernels: {KernelDispatch.Describe()}");
        Console.WriteLine("| teacher | patch (masks) | steps | workers | wall s | CPU s | CPU ms per step |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (env, episodes) in (ReadOnlySpan<(string, int)>)[("libero-spatial", 4), ("driving-nocrash-tt", 1)])
        {
            var spec = Env.Lookup(env).Create().Spec;
            var demos = Demonstrations.Collect(env, episodes, seed: 3, actionNoise: 0.1);
            var teacher = PolicyFactory.Create(PolicyFactory.FamilyFor(spec), spec, [], 0);
            var warmUp = Demonstrations.Collect(env, episodes: 1, seed: 4);
            foreach (int patch in (int[])[8, 16])
            {
                Saliency.PerMask(teacher, warmUp, patch, 2);
                foreach (int workers in (int[])[1, 2])
                {
                    var process = Process.GetCurrentProcess();
                    process.Refresh();
                    var cpu = process.TotalProcessorTime;
                    long start = Stopwatch.GetTimestamp();
                    int masks = 0;
                    KernelThreads.With(workers, () => masks = Saliency.PerMask(teacher, demos, patch, workers).Length);
                    double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    process.Refresh();
                    double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {teacher.GetType().Name} | {patch} ({masks}) | {demos.Steps} | {workers} | {wall:F2} | " +
                        $"{cpuSeconds:F2} | {1000 * cpuSeconds / demos.Steps:F1} |"));
                }
            }
        }
    }
}
