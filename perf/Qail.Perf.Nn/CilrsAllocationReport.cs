using System.Diagnostics;
using System.Globalization;
using Qail.Autograd;
using Qail.Engine;
using Qail.Kernels.Cpu;
using Qail.Policies;
using Qail.Quantization;

namespace Qail.Perf.Nn;

/// <summary>
/// Steady-state cost of the CILRS imitation step at the demo's batch of 256 on the driving env's rasters (forward,
/// L1 + speed loss, backward, global-norm clipping, AdamW), on one kernel thread, with and without a
/// <see cref="TensorArena"/> step scope, and of the same step on the W4A4 fake-quantized student (BN folded, LSQ
/// quantizers on every weight and activation, as QAT / QAIL fine-tune it): CPU milliseconds per step, MB allocated
/// by the stepping thread and gen-2 collections, both per 100 steps (measured over <see cref="Steps"/> steps after 3
/// warm-up steps).
/// </summary>
public static class CilrsAllocationReport
{
    private const int Steps = 20;
    private const int Batch = 256;

    public static void Run()
    {
        Console.WriteLine($"CILRS step, batch {Batch}, driving-nocrash-tt rasters; "
            + $"kernels: {KernelDispatch.Describe()}; 1 kernel thread, {Steps} steps after 3 warm-up steps, "
            + "scaled to 100");
        Console.WriteLine("| CILRS training step | CPU ms per step | MB allocated per 100 steps "
            + "| gen-2 GCs per 100 steps |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (pooled, quantized) in ((bool, bool)[])[(false, false), (true, false), (true, true)])
        {
            var spec = Qail.Envs.Env.Make("driving-nocrash-tt", 0).Spec;
            var batch = RandomBatch(spec, seed: 2);
            var fp = new CilrsPolicy(spec, seed: 1);
            var policy = quantized ? FakeQuantized(fp, batch) : fp;
            var optimizer = new Qail.Nn.AdamW(policy.Parameters(), 1e-3, weightDecay: 1e-4);
            var parameters = policy.Parameters().ToList();
            var arena = pooled ? new TensorArena() : null;
            policy.Train();
            void Step()
            {
                using var scope = arena?.Step();
                optimizer.ZeroGrad();
                var loss = policy.ImitationLoss(policy.Predict(batch), batch);
                loss.Backward();
                Qail.Nn.GradientClipping.ClipByGlobalNorm(parameters, 1.0);
                optimizer.Step();
            }
            KernelThreads.With(1, () =>
            {
                for (int i = 0; i < 3; i++) Step();
                var process = Process.GetCurrentProcess();
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                int gen2 = GC.CollectionCount(2);
                for (int i = 0; i < Steps; i++) Step();
                process.Refresh();
                double ms = (process.TotalProcessorTime - cpu).TotalMilliseconds / Steps;
                double mb = (GC.GetAllocatedBytesForCurrentThread() - bytes) / 1e6 * 100 / Steps;
                double collections = (GC.CollectionCount(2) - gen2) * 100.0 / Steps;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(quantized ? "W4A4 fake-quantized, " : "")}"
                    + $"{(pooled ? "in a TensorArena step scope" : "plain")} | {ms:F0} | {mb:F1} "
                    + $"| {collections:F0} |"));
            });
        }
    }

    // The QAT / QAIL student: BN folded, W4A4 quantizers, activation ranges calibrated on the batch.
    private static PolicyNetwork FakeQuantized(CilrsPolicy policy, PolicyBatch batch)
    {
        var student = (PolicyNetwork)Quantizer.Prepare(policy, QuantConfig.W4A4(), seed: 3);
        Quantizer.CalibrateActivations(student, [batch], b => student.Predict(b));
        return student;
    }

    private static PolicyBatch RandomBatch(Qail.Envs.EnvSpec spec, long seed)
    {
        var image = spec.Image!;
        var rng = new SeededRandom(seed);
        var images = Tensor.RandomUniform([Batch, image.Channels, image.Height, image.Width], seed);
        var speeds = Tensor.RandomUniform([Batch, 1], seed + 1, 0, 8);
        var commands = Tensor.From<int>(
            Enumerable.Range(0, Batch).Select(_ => rng.NextInt(spec.CommandCount)).ToArray());
        var actions = Tensor.RandomUniform([Batch, 3], seed + 2);
        return new PolicyBatch(speeds, images, null, commands, actions);
    }
}
