namespace Qail.Kernels.Cuda;

/// <summary>One kernel argument passed by value: a buffer handle, or a 4-byte int/float, or an 8-byte double.</summary>
public readonly record struct ComputeArgument(ulong Bits, int Size, bool IsBuffer)
{
    /// <summary>A buffer argument.</summary>
    public static implicit operator ComputeArgument(ComputeBuffer buffer) =>
        new((buffer ?? throw new ArgumentNullException(nameof(buffer))).Handle, 8, true);

    /// <summary>An int argument.</summary>
    public static implicit operator ComputeArgument(int value) => new((uint)value, 4, false);

    /// <summary>A float argument.</summary>
    public static implicit operator ComputeArgument(float value) =>
        new(BitConverter.SingleToUInt32Bits(value), 4, false);

    /// <summary>A double argument.</summary>
    public static implicit operator ComputeArgument(double value) =>
        new(BitConverter.DoubleToUInt64Bits(value), 8, false);
}
