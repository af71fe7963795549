namespace Qail.Kernels.Cpu;

/// <summary>
/// Ranks of SIMD paths a kernel may take, from most portable to widest; the cap (<see cref="KernelDispatch.Cap"/>)
/// is one of them. The two middle ranks name what each architecture runs there: x64 AVX2 / AVX-512, ARM64 NEON /
/// NEON with the dot-product extension. <see cref="Vnni512"/> exists on x64 only.
/// </summary>
public enum InstructionSet
{
    /// <summary>Plain scalar C#: the reference every other path must equal.</summary>
    Scalar = 0,
    /// <summary>Portable 128-bit <c>Vector128</c> code (SSE on x64, AdvSimd on ARM64 through the JIT).</summary>
    Vector128 = 1,
    /// <summary>The machine's own intrinsics: x64 AVX2 + FMA (AVX-VNNI where present); ARM64 AdvSimd (NEON).</summary>
    Native = 2,
    /// <summary>Their extension: x64 AVX-512 F/BW; ARM64 AdvSimd with the dot-product extension (sdot/udot).</summary>
    NativeExtended = 3,
    /// <summary>
    /// x64 with AVX-512 VNNI: int8 micro-kernels generated as machine code at run time (vpdpbusd zmm); every other
    /// kernel runs its <see cref="NativeExtended"/> path. Detected only where the OS grants executable memory.
    /// </summary>
    Vnni512 = 4,
}
