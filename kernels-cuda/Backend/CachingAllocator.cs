namespace Qail.Kernels.Cuda;

/// <summary>
/// Keeps freed device blocks in per-size free lists so the steady state of inference (the same tensor sizes every
/// step) never calls cuMemAlloc. Sizes round up to 512 bytes below 1 MiB and to 1 MiB above, bounding waste.
/// When an allocation fails, the cached blocks are released and the allocation is retried once.
/// </summary>
public sealed class CachingAllocator
{
    private readonly CudaDevice _device;
    private readonly Dictionary<ulong, Stack<ulong>> _free = [];
    private readonly Lock _gate = new();

    internal CachingAllocator(CudaDevice device) => _device = device;

    /// <summary>Bytes held in free lists, ready for reuse.</summary>
    public ulong CachedBytes { get; private set; }

    /// <summary>The block size a request of <paramref name="bytes"/> is served from.</summary>
    public static ulong RoundUp(ulong bytes)
    {
        const ulong small = 512, large = 1 << 20;
        var unit = bytes < large ? small : large;
        return Math.Max(unit, (bytes + unit - 1) / unit * unit);
    }

    /// <summary>
    /// A block of at least <paramref name="bytes"/> bytes: a cached one of the same rounded size, or a new one.
    /// </summary>
    public (ulong Pointer, ulong Capacity) Rent(ulong bytes)
    {
        var size = RoundUp(bytes);
        lock (_gate)
        {
            if (_free.TryGetValue(size, out var stack) && stack.Count > 0)
            {
                CachedBytes -= size;
                return (stack.Pop(), size);
            }
        }
        _device.MakeCurrent();
        try
        {
            return (_device.Driver.Allocate(size), size);
        }
        catch (CudaException)
        {
            Trim();
            return (_device.Driver.Allocate(size), size);
        }
    }

    /// <summary>Puts a block back in its free list.</summary>
    public void Return(ulong pointer, ulong capacity)
    {
        lock (_gate)
        {
            if (!_free.TryGetValue(capacity, out var stack)) _free[capacity] = stack = new Stack<ulong>();
            stack.Push(pointer);
            CachedBytes += capacity;
        }
    }

    /// <summary>Frees every cached block back to the driver.</summary>
    public void Trim()
    {
        List<ulong> blocks;
        lock (_gate)
        {
            blocks = _free.Values.SelectMany(s => s).ToList();
            _free.Clear();
            CachedBytes = 0;
        }
        _device.MakeCurrent();
        foreach (var b in blocks) _device.Driver.Free(b);
    }
}
