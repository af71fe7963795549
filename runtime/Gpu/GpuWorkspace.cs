using Qail.Kernels.Cuda;

namespace Qail.Runtime.Gpu;

/// <summary>
/// What one policy instance owns on the device: the value arena (graph values, the fault flag, scratch), plus the
/// host copies of this call's graph inputs that the host checks read.
/// </summary>
internal sealed class GpuWorkspace : IDisposable
{
    public GpuWorkspace(IComputeDevice device, long values, IReadOnlyList<int> inputSizes)
    {
        Device = device;
        Values = device.Allocate(4 * values);
        HostInputs = inputSizes.Select(size => new float[size]).ToArray();
    }

    public IComputeDevice Device { get; }
    public ComputeBuffer Values { get; }

    /// <summary>The graph inputs of the current call, as filled from the observation.</summary>
    public float[][] HostInputs { get; }

    public void Dispose() => Values.Dispose();
}
