namespace Qail.Kernels.Cuda;

/// <summary>
/// One OpenCL kernel argument: a buffer handle (pointer-sized) or a 4-byte int/float, passed by value.
/// </summary>
public readonly record struct OpenClArgument(ulong Bits, int Size)
{
    /// <summary>A cl_mem buffer argument.</summary>
    public static implicit operator OpenClArgument(IntPtr buffer) => new((ulong)buffer, IntPtr.Size);
    /// <summary>An int argument.</summary>
    public static implicit operator OpenClArgument(int value) => new((uint)value, 4);
    /// <summary>A float argument.</summary>
    public static implicit operator OpenClArgument(float value) => new(BitConverter.SingleToUInt32Bits(value), 4);
}
