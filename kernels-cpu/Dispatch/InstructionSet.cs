namespace Qail.Kernels.Cpu;

/// <summary>
/// SIMD paths a kernel may take, ordered from most portable to widest. On ARM64 the NEON paths
/// (AdvSimd, then the dot-product extension) stand at the Avx2 / Avx512 ranks.
/// </summary>
public enum InstructionSet
{
    /// <summary>Plain scalar C#: the reference every other path must equal.</summary>
    Scalar = 0,
    /// <summary>Portable 128-bit <c>Vector128</c> code (SSE on x64, AdvSimd on ARM64 through the JIT).</summary>
    Vector128 = 1,
    /// <summary>x64 AVX2 + FMA (and AVX-VNNI where the kernel uses it); ARM64 hand-written AdvSimd.</summary>
    Avx2 = 2,
    /// <summary>x64 AVX-512 F/BW; ARM64 AdvSimd with the dot-product extension (sdot/udot).</summary>
    Avx512 = 3,
}
