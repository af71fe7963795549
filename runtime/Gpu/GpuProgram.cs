using Qail.Kernels.Cuda;

namespace Qail.Runtime.Gpu;

/// <summary>
/// A lowered policy: its launches, host checks and uploaded weights (shared by every instance), the arena size an
/// instance allocates, and where each graph value sits in the arena (the fault flag is the value after the action).
/// Freed when the last instance using it is disposed.
/// </summary>
internal sealed class GpuProgram(IComputeDevice device, PolicyGraph graph, long[] slotOffsets, long values,
    KernelStep[] kernels, int[] firstKernel, HostCheck[] checks, int[] firstCheck, ComputeBuffer[] buffers)
{
    private int _users;

    public IComputeDevice Device { get; } = device;
    public IReadOnlyList<GraphInput> Inputs => graph.Inputs;

    /// <summary>Arena offset (in floats) of every graph slot: inputs, then node outputs.</summary>
    public IReadOnlyList<long> SlotOffsets { get; } = slotOffsets;

    public long ActionOffset => slotOffsets[graph.Last];
    public int ActionSize => graph.SlotSize(graph.Last);
    // Arrays, not interfaces: an action enumerates them without allocating.
    public KernelStep[] Kernels { get; } = kernels;
    public HostCheck[] Checks { get; } = checks;

    public int SlotSize(int slot) => graph.SlotSize(slot);

    /// <summary>
    /// The launches node <paramref name="node"/> lowered to (none for a ReLU folded into its producer).
    /// </summary>
    public ArraySegment<KernelStep> NodeKernels(int node) =>
        new(Kernels, firstKernel[node], firstKernel[node + 1] - firstKernel[node]);

    /// <summary>The host checks node <paramref name="node"/> lowered to.</summary>
    public ArraySegment<HostCheck> NodeChecks(int node) =>
        new(Checks, firstCheck[node], firstCheck[node + 1] - firstCheck[node]);

    public GpuWorkspace NewWorkspace()
    {
        Interlocked.Increment(ref _users);
        return new GpuWorkspace(Device, values, Inputs.Select(i => i.Size).ToArray());
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _users) != 0) return;
        foreach (var buffer in buffers) buffer.Dispose();
    }
}
