namespace Qail.Kernels.Cuda;

/// <summary>
/// One kernel argument in an 8-byte slot: cuLaunchKernel reads each parameter through a pointer to its value, and a
/// 4-byte int or float sits at the start of its little-endian slot.
/// </summary>
public readonly record struct KernelArgument(ulong Bits)
{
    /// <summary>A device pointer argument.</summary>
    public static KernelArgument Pointer(ulong devicePointer) => new(devicePointer);
    /// <summary>A device buffer argument (its base pointer).</summary>
    public static KernelArgument Pointer(CudaStorage buffer) => new(buffer.Pointer);
    /// <summary>A 32-bit int argument.</summary>
    public static KernelArgument Int(int value) => new((uint)value);
    /// <summary>A 32-bit float argument.</summary>
    public static KernelArgument Float(float value) => new(BitConverter.SingleToUInt32Bits(value));

    /// <summary>Implicit int argument.</summary>
    public static implicit operator KernelArgument(int value) => Int(value);
    /// <summary>Implicit float argument.</summary>
    public static implicit operator KernelArgument(float value) => Float(value);
    /// <summary>Implicit buffer argument.</summary>
    public static implicit operator KernelArgument(CudaStorage buffer) => Pointer(buffer);
}
