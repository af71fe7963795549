using Qail.Deployment;
using Qail.Envs;
using Qail.Evaluation;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Kernels.Cuda;
using Qail.Runtime;
using Qail.Runtime.Gpu;

namespace Qail.Experiments;

/// <summary>
/// Exports a study's policies to real kernels and measures them like for like: FP32 on Sgemm, W8A8 (PTQ, per-channel
/// weights, calibrated activations) on the int8 GEMM, and the study's quantized student on its integer kernels;
/// each evaluated in closed loop on the study's seeds, with batch-1 latency and model size, and optionally the same
/// policies' latency on a GPU or OpenCL device (<see cref="GpuPolicy"/>).
/// </summary>
public static class DeploymentStudy
{
    /// <summary>
    /// Deploys and measures; <paramref name="method"/> picks the student to deploy (QAIL+QBC by default).
    /// </summary>
    public static IReadOnlyList<DeploymentRow> Run(StudyResult study, QuantMethod method = QuantMethod.QailQbc,
        IStudyProgress? progress = null,
        IComputeDevice? device = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var options = study.Options;
        if (!study.Students.TryGetValue(method, out var student))
            throw new ArgumentException($"DeploymentStudy: the study has no {method.Display()} student (methods: "
                + $"{string.Join(", ", study.Students.Keys)}).", nameof(method));
        var w8a8 = QuantizationStudy.PrepareStudent(study.Teacher, QuantConfig.W8A8(), study.Demonstrations,
            options.Seed);
        DeployedPolicy[] deployed =
        [
            Export.ToFloatPolicy(study.Teacher, "FP32"),
            Export.ToIntegerPolicy(w8a8, "W8A8 PTQ"),
            Export.ToIntegerPolicy(student, $"{options.Config.Label} {method.Display()}"),
        ];
        var probe = Env.Lookup(options.Env).Create().Reset(options.Seed);
        var rows = new List<DeploymentRow>();
        foreach (var deployedPolicy in deployed)
        {
            var policy = deployedPolicy.AsPolicy();
            string stage = $"deploy {policy.Label}";
            progress?.Begin(stage, options.EvalEpisodes);
            var evaluation = ClosedLoop.Evaluate(options.Env, policy, options.EvalEpisodes, SeedRanges.TestBase,
                progress: progress is null ? null : new Progress<int>(d => progress.Advance(stage, d)));
            var latency = LatencyProbe.Measure(policy, probe);
            long bytes = deployedPolicy.ModelBytes;
            DeviceLatency? onDevice = null;
            if (device is not null)
            {
                using var gpu = GpuPolicy.Create(deployedPolicy, device);
                onDevice = new DeviceLatency(device.Name,
                    LatencyProbe.Measure(gpu.AsPolicy(), probe).MedianMicroseconds);
            }
            progress?.End(stage, $"return {evaluation.MeanReturn:F1}, {latency.MedianMicroseconds:F1} µs per action" +
                (onDevice is null ? "" : $" ({onDevice.MedianMicroseconds:F1} µs on the device)") + $", {bytes} bytes");
            rows.Add(new DeploymentRow(policy.Label, evaluation, latency.MedianMicroseconds, bytes, onDevice));
        }
        return rows;
    }
}
