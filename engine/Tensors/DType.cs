namespace Qail.Engine;

/// <summary>Element types a <see cref="Tensor"/> can hold.</summary>
public enum DType : byte
{
    Float32,
    Float64,
    Int32,
    Int8,
    UInt8,
    /// <summary>Signed 4-bit codes (-8..7), packed two per byte, low nibble first; contiguous only.</summary>
    Int4Packed,
}

/// <summary>Facts about each <see cref="DType"/>.</summary>
public static class DTypeInfo
{
    /// <summary>Storage bits per element (4 for <see cref="DType.Int4Packed"/>).</summary>
    public static int BitsPerElement(this DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 32,
        DType.Float64 => 64,
        DType.Int8 or DType.UInt8 => 8,
        DType.Int4Packed => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>True for float32 and float64.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>Lower-case name used in messages and files ("float32", "int4packed").</summary>
    public static string Name(this DType dtype) => dtype.ToString().ToLowerInvariant();

    /// <summary>The dtype whose CLR element type is <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(sbyte)) return DType.Int8;
        if (typeof(T) == typeof(byte)) return DType.UInt8;
        throw new ArgumentException(
            $"Type {typeof(T).Name} is not a tensor element type (float, double, int, sbyte, byte).", nameof(T));
    }
}
