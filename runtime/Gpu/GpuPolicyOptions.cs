namespace Qail.Runtime.Gpu;

/// <summary>How <see cref="GpuPolicy.Create"/> lowers a deployed policy to the device.</summary>
public sealed record GpuPolicyOptions
{
    /// <summary>
    /// Folds into each weight layer the im2col / patch gather before it (the layer reads through the gather table) and
    /// the ReLU after it (applied in its epilogue): fewer launches and less memory traffic, the same values.
    /// </summary>
    public bool Fuse { get; init; } = true;

    /// <summary>
    /// Records each instance's launches once as a CUDA graph, replayed with one call per action (CUDA only).
    /// </summary>
    public bool RecordLaunches { get; init; } = true;
}
