using Qail.Kernels.Cuda;

namespace Qail.Runtime.Gpu;

/// <summary>One kernel launch of a lowered op, with fixed arguments (the arena bound per instance).</summary>
internal sealed class KernelStep(string kernel, long workItems, GpuArgument[] arguments)
{
    public void Enqueue(GpuWorkspace workspace)
    {
        Span<ComputeArgument> bound = stackalloc ComputeArgument[arguments.Length];
        for (int i = 0; i < arguments.Length; i++) bound[i] = arguments[i].Bind(workspace);
        workspace.Device.Launch(kernel, workItems, bound);
    }
}

/// <summary>
/// A check of this call's graph inputs on the host, where the CPU runtime would throw inside an op (a command or a
/// word id outside the op's table). Checks run before anything is queued, so a refused observation changes nothing.
/// </summary>
internal abstract class HostCheck
{
    public abstract void Run(float[][] inputs);
}
