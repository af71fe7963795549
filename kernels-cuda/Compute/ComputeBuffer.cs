namespace Qail.Kernels.Cuda;

/// <summary>
/// Device memory of an <see cref="IComputeDevice"/>: a CUDA device pointer or an OpenCL cl_mem handle.
/// </summary>
public sealed class ComputeBuffer : IDisposable
{
    private int _released;

    internal ComputeBuffer(IComputeDevice owner, ulong handle, long bytes)
    {
        (Owner, Handle, Bytes) = (owner, handle, bytes);
    }

    /// <summary>The device the memory lives on.</summary>
    public IComputeDevice Owner { get; }

    /// <summary>CUdeviceptr or cl_mem.</summary>
    public ulong Handle { get; }

    /// <summary>Size in bytes.</summary>
    public long Bytes { get; }

    /// <summary>
    /// Throws unless <paramref name="count"/> values of <paramref name="size"/> bytes fit at
    /// <paramref name="byteOffset"/>.
    /// </summary>
    public void CheckRange(long byteOffset, long count, int size, string op)
    {
        if (byteOffset < 0 || count < 0 || byteOffset + count * size > Bytes)
            throw new ArgumentOutOfRangeException(nameof(byteOffset), byteOffset,
                $"{op}: {count * size} bytes at offset {byteOffset} do not fit the {Bytes}-byte buffer.");
    }

    /// <summary>Frees the memory (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) Owner.Release(this);
    }
}
