namespace Qail.Kernels.Cuda;

/// <summary>
/// A device that runs the portable kernels (Kernels/policy.cu): CUDA through our driver bindings, or OpenCL. Work is
/// queued in order; <see cref="Read{T}"/> waits for it. Launches use work-groups of <see cref="GroupSize"/>.
/// </summary>
public interface IComputeDevice
{
    /// <summary>Work-items per work-group of every launch (the kernels' GROUP_SIZE).</summary>
    const int GroupSize = 64;

    /// <summary>"CUDA: NVIDIA H100 ..." or "OpenCL: Portable Computing Language / cpu-...".</summary>
    string Name { get; }

    /// <summary>A zero-filled buffer of <paramref name="bytes"/> bytes (at least one).</summary>
    ComputeBuffer Allocate(long bytes);

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> at <paramref name="byteOffset"/>, after the
    /// queued work.
    /// </summary>
    void Write<T>(ComputeBuffer destination, long byteOffset, ReadOnlySpan<T> source) where T : unmanaged;

    /// <summary>
    /// Waits for the queued work, then copies from <paramref name="source"/> at <paramref name="byteOffset"/> into
    /// <paramref name="destination"/>.
    /// </summary>
    void Read<T>(ComputeBuffer source, long byteOffset, Span<T> destination) where T : unmanaged;

    /// <summary>
    /// Queues kernel <paramref name="kernel"/> over <paramref name="workItems"/> work-items (rounded up to whole
    /// groups).
    /// </summary>
    void Launch(string kernel, long workItems, params ReadOnlySpan<ComputeArgument> arguments);

    /// <summary>True when <see cref="Record"/> can capture launches (CUDA graphs); false on OpenCL.</summary>
    bool CanRecord { get; }

    /// <summary>
    /// Captures the launches <paramref name="enqueue"/> queues into one replayable unit instead of running them; null
    /// when the device cannot (<see cref="CanRecord"/> false), and the caller launches eagerly.
    /// </summary>
    IRecordedLaunches? Record(Action enqueue);

    /// <summary>Frees a buffer this device allocated.</summary>
    void Release(ComputeBuffer buffer);
}
