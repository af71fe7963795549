namespace Qail.Engine;

/// <summary>Host storage backed by a managed array (a byte array of packed nibbles for int4).</summary>
public sealed class CpuStorage : Storage
{
    private readonly long _length;
    private readonly Array _data;
    private bool _released;

    private CpuStorage(Array data, DType dtype, long length)
    {
        _data = data;
        DType = dtype;
        _length = length;
    }

    /// <summary>
    /// The backing array: float[], double[], int[], sbyte[] or byte[]. Throws once a <see cref="TensorArena"/> step
    /// scope that lent the buffer has closed.
    /// </summary>
    public Array Data => _released
        ? throw new InvalidOperationException(
            "Tensor storage was returned to its TensorArena when the step scope that made it closed; copy what "
            + "outlives a step (Clone under TensorArena.Suspend) before the scope ends.")
        : _data;

    public override DType DType { get; }

    public override long Length => _length;

    public override Device Device => Device.Cpu;

    /// <summary>
    /// Allocates zero-filled storage for <paramref name="length"/> elements (from the open <see cref="TensorArena"/>
    /// step scope's pool, if any).
    /// </summary>
    public static CpuStorage Allocate(DType dtype, long length) => Allocate(dtype, length, zeroed: true);

    /// <summary>
    /// Storage whose contents are unspecified, for ops that overwrite every element: from the open
    /// <see cref="TensorArena"/> step scope's pool without clearing, else a fresh array.
    /// </summary>
    public static CpuStorage AllocateUninitialized(DType dtype, long length) => Allocate(dtype, length, zeroed: false);

    private static CpuStorage Allocate(DType dtype, long length, bool zeroed)
    {
        if (length < 0 || length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length,
                $"Storage length must lie in 0..{Array.MaxLength}.");
        int n = (int)length;
        if (dtype is DType.Float32 or DType.Float64 or DType.Int32)
        {
            var leased = TensorArena.Lease(dtype, n, zeroed, out var arena);
            if (arena is not null)
            {
                var storage = new CpuStorage(leased ?? NewArray(dtype, n, zeroed), dtype, length);
                arena.Track(storage);
                return storage;
            }
            if (!zeroed) return new CpuStorage(NewArray(dtype, n, zeroed), dtype, length);
        }
        Array data = dtype switch
        {
            DType.Float32 => new float[n],
            DType.Float64 => new double[n],
            DType.Int32 => new int[n],
            DType.Int8 => new sbyte[n],
            DType.UInt8 => new byte[n],
            DType.Int4Packed => new byte[(n + 1) / 2],
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
        };
        return new CpuStorage(data, dtype, length);
    }

    /// <summary>Marks the storage released and hands its buffer back to the arena that lent it.</summary>
    internal Array Release()
    {
        _released = true;
        return _data;
    }

    private static Array NewArray(DType dtype, int n, bool zeroed) => dtype switch
    {
        DType.Float32 => zeroed ? new float[n] : GC.AllocateUninitializedArray<float>(n),
        DType.Float64 => zeroed ? new double[n] : GC.AllocateUninitializedArray<double>(n),
        _ => zeroed ? new int[n] : GC.AllocateUninitializedArray<int>(n),
    };

    /// <summary>Wraps an existing array without copying; the caller gives up ownership.</summary>
    public static CpuStorage Wrap<T>(T[] data) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return new CpuStorage(data, DTypeInfo.Of<T>(), data.Length);
    }

    /// <summary>Wraps packed int4 bytes holding <paramref name="count"/> codes, low nibble first.</summary>
    public static CpuStorage WrapInt4(byte[] packed, long count)
    {
        ArgumentNullException.ThrowIfNull(packed);
        if (count < 0 || (count + 1) / 2 != packed.Length)
            throw new ArgumentException($"{count} int4 codes need {(count + 1) / 2} bytes, got {packed.Length}.",
                nameof(packed));
        return new CpuStorage(packed, DType.Int4Packed, count);
    }

    /// <summary>The whole buffer as a span of <typeparamref name="T"/>; throws when the element type differs.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged => Data is T[] array
        ? array
        : throw new InvalidOperationException($"Storage holds {DType.Name()}, not {typeof(T).Name}.");

    /// <summary>The typed backing array; throws when the element type differs.</summary>
    public T[] AsArray<T>() where T : unmanaged => Data as T[]
        ?? throw new InvalidOperationException($"Storage holds {DType.Name()}, not {typeof(T).Name}.");
}
