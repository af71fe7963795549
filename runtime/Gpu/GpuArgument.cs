using Qail.Kernels.Cuda;

namespace Qail.Runtime.Gpu;

/// <summary>
/// A kernel argument of a lowered op: a fixed value (an offset, a size, a weight buffer) or the policy instance's
/// value arena, which each replica owns and so is bound only when the launch is queued.
/// </summary>
internal readonly record struct GpuArgument(ComputeArgument Fixed, bool IsArena)
{
    /// <summary>The instance's float arena (every graph value and the ops' scratch).</summary>
    public static GpuArgument Values => new(default, true);

    public ComputeArgument Bind(GpuWorkspace workspace) => IsArena ? workspace.Values : Fixed;

    public static implicit operator GpuArgument(ComputeBuffer buffer) => new(buffer, false);
    public static implicit operator GpuArgument(int value) => new(value, false);
    public static implicit operator GpuArgument(float value) => new(value, false);
    public static implicit operator GpuArgument(double value) => new(value, false);
}
