namespace Qail.Runtime.Gpu;

/// <summary>How <see cref="GpuPolicy.Create"/> lowers a deployed policy to the device.</summary>
public sealed record GpuPolicyOptions
{
    /// <summary>Folds each ReLU into the weight layer before it: one launch instead of two, the same values.</summary>
    public bool FuseRelu { get; init; } = true;

    /// <summary>Records each instance's launches once as a CUDA graph, replayed with one call per action (CUDA only).</summary>
    public bool RecordLaunches { get; init; } = true;
}
