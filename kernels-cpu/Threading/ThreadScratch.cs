namespace Qail.Kernels.Cpu;

/// <summary>
/// Scratch arrays held per thread that only grow, for kernel operands too large for the stack. ArrayPool.Shared would
/// serve too, but it trims its per-thread caches on gen-2 collections, after which a steady batch-1 caller allocates
/// again; a policy's control loop should not. Each call site keeps its own [ThreadStatic] field, so kernels that call
/// each other never share a buffer.
/// </summary>
internal static class ThreadScratch
{
    /// <summary>The site's buffer with at least <paramref name="length"/> elements (contents undefined).</summary>
    public static T[] AtLeast<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new T[length];
        return buffer;
    }
}
