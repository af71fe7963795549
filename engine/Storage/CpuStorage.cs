namespace Qail.Engine;

/// <summary>Host storage backed by a managed array (a byte array of packed nibbles for int4).</summary>
public sealed class CpuStorage : Storage
{
    private readonly long _length;

    private CpuStorage(Array data, DType dtype, long length)
    {
        Data = data;
        DType = dtype;
        _length = length;
    }

    /// <summary>The backing array: float[], double[], int[], sbyte[] or byte[].</summary>
    public Array Data { get; }

    public override DType DType { get; }

    public override long Length => _length;

    public override Device Device => Device.Cpu;

    /// <summary>Allocates zero-filled storage for <paramref name="length"/> elements.</summary>
    public static CpuStorage Allocate(DType dtype, long length)
    {
        if (length < 0 || length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Storage length must lie in 0..{Array.MaxLength}.");
        int n = (int)length;
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
            throw new ArgumentException($"{count} int4 codes need {(count + 1) / 2} bytes, got {packed.Length}.", nameof(packed));
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
