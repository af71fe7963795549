namespace Qail.Kernels.Cpu;

/// <summary>How <see cref="Int4Matmul"/> treats the fp32 activations.</summary>
public enum Int4ActivationMode
{
    /// <summary>
    /// W4A8: activations quantized on the fly per row and per weight group to int8 (symmetric, -127..127), integer dot
    /// products (ggml Q4 x Q8).
    /// </summary>
    Int8 = 0,
    /// <summary>
    /// W4A4: activations quantized on the fly per row and group to 4 bits (symmetric, -7..7), unpacked to int8 for the
    /// dot product.
    /// </summary>
    Int4 = 1,
    /// <summary>Weight-only: weights dequantized to fp32, float dot products; activations are not quantized.</summary>
    Float = 2,
}
