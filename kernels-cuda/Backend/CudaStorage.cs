using Qail.Engine;

namespace Qail.Kernels.Cuda;

/// <summary>
/// Device memory holding <see cref="Length"/> elements of one dtype; disposing returns the block to the device's
/// caching allocator.
/// </summary>
public sealed class CudaStorage : Storage, IDisposable
{
    private readonly CudaDevice _owner;
    private int _disposed;

    internal CudaStorage(CudaDevice owner, ulong pointer, ulong capacity, DType dtype, long length)
    {
        _owner = owner;
        Pointer = pointer;
        Capacity = capacity;
        DType = dtype;
        Length = length;
    }

    /// <summary>The CUdeviceptr of the first element.</summary>
    public ulong Pointer { get; }

    /// <summary>
    /// Bytes of the underlying block (at least <see cref="ByteLength"/>; blocks are rounded up for reuse).
    /// </summary>
    public ulong Capacity { get; }

    /// <summary>Bytes the elements occupy (int4: two codes per byte).</summary>
    public ulong ByteLength => (ulong)((Length * DType.BitsPerElement() + 7) / 8);

    /// <inheritdoc />
    public override DType DType { get; }

    /// <inheritdoc />
    public override long Length { get; }

    /// <inheritdoc />
    public override Device Device => new(DeviceKind.Cuda, _owner.Ordinal);

    /// <summary>The device that owns this memory.</summary>
    public CudaDevice Owner => _owner;

    /// <summary>Returns the block to the caching allocator (once; later calls do nothing).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _owner.Allocator.Return(Pointer, Capacity);
    }
}
