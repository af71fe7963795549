using Qail.Evaluation;

namespace Qail.Experiments;

/// <summary>A deployed (exported) policy's closed-loop result, batch-1 latency and size.</summary>
/// <param name="Name">"FP32", "W8A8 PTQ", "W4g32 QAIL+QBC", ...</param>
/// <param name="Evaluation">Closed-loop results of the deployed policy on the study's evaluation seeds.</param>
/// <param name="MedianMicroseconds">Median batch-1 latency of one action.</param>
/// <param name="ModelBytes">Bytes of weights, scales and biases.</param>
/// <param name="OnDevice">The same policy's batch-1 latency on a GPU or OpenCL device, when one was asked for.</param>
public sealed record DeploymentRow(string Name, EvalResult Evaluation, double MedianMicroseconds, long ModelBytes,
    DeviceLatency? OnDevice = null);

/// <summary>
/// Median batch-1 latency of a deployed policy on <paramref name="Device"/> (upload, kernels, download).
/// </summary>
public sealed record DeviceLatency(string Device, double MedianMicroseconds);
