using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Kernels.Cuda;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;
using Qail.Runtime.Gpu;

namespace Qail.DeviceCheck;

/// <summary>
/// The three deployed policy families at the demo's sizes (MLP 256x256 on pendulum, the CILRS CNN on driving, the VLA
/// on LIBERO), seeded random weights with activations calibrated on env observations, exported FP32 / W8A8 / W4A4. Each
/// runs on the CPU integer runtime and on the device (<see cref="GpuPolicy"/>): actions are compared, and batch-1
/// latency (wall clock per action: observation upload, kernels, action download) is timed on the CPU, on the device
/// with one launch per kernel, and (CUDA) with the launches replayed as one recorded graph.
/// </summary>
internal static class DeployedPolicyCheck
{
    // Actions agree to float rounding, or (quantized activations) a flipped code on at most a quarter of the
    // observations.
    private const double FloatTolerance = 1e-4;
    private const double FlipTolerance = 0.1;
    private const int Observations = 16;

    private static readonly (string Env, string Family)[] Domains =
        [("pendulum-swingup", "mlp"), ("driving-nocrash-tt", "cilrs"), ("libero-spatial", "vla")];

    public static List<CheckResult> Run(IComputeDevice device, int iterations, Action<string> log)
    {
        var results = new List<CheckResult>();
        log($"{"policy",-14}{"launches",9}{"worst |d|",11}{"flips",6}{"CPU us",9}{"eager us",10}{"graph us",10}"
            + $"{"best vs CPU",12}{"vs FP32",9}");
        foreach (var (envName, family) in Domains)
        {
            var spec = Env.Lookup(envName).Create().Spec;
            var observations = Enumerable.Range(0, Observations).Select(s => Env.Make(envName, s).Reset(s)).ToList();
            var fp = PolicyFactory.Create(family, spec, [256, 256], seed: 7);
            fp.Eval();
            double fpGpu = 0;
            foreach (var (precision, deployed) in new[] { ("FP32", Export.ToFloatPolicy(fp)), ("W8A8",
                Deploy(fp, QuantConfig.W8A8(), observations)), ("W4A4", Deploy(fp, QuantConfig.W4A4(), observations)) })
            {
                string name = $"{family} {precision}";
                try
                {
                    using var eager = GpuPolicy.Create(deployed, device,
                        new GpuPolicyOptions { RecordLaunches = false });
                    using var graph = GpuPolicy.Create(deployed, device);
                    var (worst, flips) = Compare(deployed, eager, observations, spec.Action);
                    var (graphWorst, graphFlips) = graph.Recorded ? Compare(deployed, graph, observations,
                        spec.Action) : (worst, flips);
                    (worst, flips) = (Math.Max(worst, graphWorst), Math.Max(flips, graphFlips));
                    bool passed = precision == "FP32"
                        ? worst <= FloatTolerance : worst <= FlipTolerance && flips * 4 <= observations.Count;
                    var cpuTime = LatencyProbe.Measure(deployed.AsPolicy(), observations[0], iterations: iterations)
                        .MedianMicroseconds;
                    var eagerTime = LatencyProbe.Measure(eager.AsPolicy(), observations[0], iterations: iterations)
                        .MedianMicroseconds;
                    var graphTime = graph.Recorded ? LatencyProbe.Measure(graph.AsPolicy(), observations[0],
                        iterations: iterations).MedianMicroseconds : double.NaN;
                    var best = double.IsNaN(graphTime) ? eagerTime : Math.Min(eagerTime, graphTime);
                    if (precision == "FP32") fpGpu = best;
                    if (graph.RecordingProblem is string problem)
                        log($"{name}: no CUDA graph, launching eagerly: {problem}");
                    log($"{name,-14}{eager.Launches,9}{worst,11:E2}{flips,6}{cpuTime,9:F1}{eagerTime,10:F1}"
                        + $"{(graph.Recorded ? $"{graphTime:F1}" : "n/a"),10}{cpuTime / best,11:F2}x"
                        + $"{fpGpu / best,8:F2}x");
                    results.Add(new CheckResult($"{name} on the device == CPU runtime", passed,
                        $"worst {worst:E2} of the half range, {flips} flips"));
                }
                catch (Exception e) when (e
                    is CudaException or OpenClException or ArgumentException or NotSupportedException)
                {
                    log($"{name,-14}failed: {e.Message}");
                    results.Add(new CheckResult($"{name} on the device == CPU runtime", false, e.Message));
                }
            }
        }
        log("target: driving (cilrs) W4A4 at least 3.7x faster than FP32 on the GPU");
        return results;
    }

    private static DeployedPolicy Deploy(PolicyNetwork fp, QuantConfig config, IReadOnlyList<Observation> observations)
    {
        var prepared = (PolicyNetwork)Quantizer.Prepare(fp, config, seed: 7);
        var batch = PolicyBatch.FromObservations(observations, fp.Spec);
        Quantizer.CalibrateActivations(prepared, [batch], b => prepared.Predict(b));
        prepared.Eval();
        return Export.ToIntegerPolicy(prepared);
    }

    // Worst |delta| of an action dimension relative to its half range, and observations beyond float rounding.
    private static (double Worst, int Flips) Compare(DeployedPolicy cpu, GpuPolicy gpu,
        IReadOnlyList<Observation> observations, ActionSpace actions)
    {
        double worst = 0;
        int flips = 0;
        foreach (var observation in observations)
        {
            var expected = cpu.Act(observation);
            var actual = gpu.Act(observation);
            double error = Enumerable.Range(0, expected.Length).Max(i =>
                Math.Abs((double)expected[i] - actual[i]) / ((actions.High[i] - actions.Low[i]) / 2.0));
            if (error > FloatTolerance) flips++;
            worst = Math.Max(worst, error);
        }
        return (worst, flips);
    }
}
