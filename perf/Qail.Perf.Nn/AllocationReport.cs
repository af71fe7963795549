using System.Diagnostics;
using System.Globalization;
using Qail.Kernels.Cpu;

namespace Qail.Perf.Nn;

/// <summary>
/// Steady-state cost of 100 training steps of each family on one kernel thread: CPU milliseconds per step, bytes
/// allocated by the stepping thread and gen-2 collections per 100 steps (after 5 warm-up steps).
/// </summary>
public static class AllocationReport
{
    private const int Steps = 100;

    public static void Run()
    {
        (string Name, Func<PolicyFamily> Create)[] families =
        [
            ("MLP 64-256-256-8, batch 256", PolicyFamily.Mlp),
            ("ResNet CNN 3x32x32, batch 16", PolicyFamily.Cnn),
            ("transformer 2x64d T=32, batch 16", PolicyFamily.Transformer),
        ];
        Console.WriteLine(
            $"kernels: {KernelDispatch.Describe()}, 1 kernel thread, {Steps} steps after 5 warm-up steps");
        Console.WriteLine("| training step | CPU ms per step | MB allocated per 100 steps | gen-2 GCs per 100 steps |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, create) in families)
        {
            var family = create();
            KernelThreads.With(1, () =>
            {
                for (int i = 0; i < 5; i++) family.TrainStep();
                var process = Process.GetCurrentProcess();
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                int gen2 = GC.CollectionCount(2);
                for (int i = 0; i < Steps; i++) family.TrainStep();
                process.Refresh();
                double ms = (process.TotalProcessorTime - cpu).TotalMilliseconds / Steps;
                double mb = (GC.GetAllocatedBytesForCurrentThread() - bytes) / 1e6 * 100 / Steps;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {ms:F1} | {mb:F0} | {(GC.CollectionCount(2) - gen2) * 100 / Steps} |"));
            });
        }
    }
}
