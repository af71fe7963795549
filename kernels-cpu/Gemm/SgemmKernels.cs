using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>The fp32 GEMM kernels one instruction-set rank runs (an entry of <see cref="KernelTable"/>).</summary>
internal readonly unsafe struct SgemmKernels
{
    /// <summary>The cache-blocked driver over this rank's micro-kernel.</summary>
    public delegate*<SgemmProblem, int, void> Run { get; init; }

    /// <summary>The micro-kernel tile (rows x columns), for logs and benchmarks.</summary>
    public string Name { get; init; }

    /// <summary>Floats per vector of the few-row path (<see cref="SgemmSmallM"/>); 1 for scalar.</summary>
    public int RowWidth { get; init; }

    /// <summary>The kernels rank <paramref name="isa"/> runs on this machine.</summary>
    public static SgemmKernels Choose(InstructionSet isa)
    {
        if (isa >= InstructionSet.NativeExtended && Avx512F.IsSupported)
            return new() { Run = &SgemmDriver<SgemmKernelAvx512>.Run, Name = "AVX-512 12x32", RowWidth = 16 };
        if (isa >= InstructionSet.Native && Avx2.IsSupported && Fma.IsSupported)
            return new() { Run = &SgemmDriver<SgemmKernelAvx2>.Run, Name = "AVX2+FMA 6x16", RowWidth = 8 };
        if (isa >= InstructionSet.Native && AdvSimd.Arm64.IsSupported)
            return new() { Run = &SgemmDriver<SgemmKernelAdvSimd>.Run, Name = "AdvSimd 8x8", RowWidth = 4 };
        if (isa >= InstructionSet.Vector128 && Vector128.IsHardwareAccelerated)
            return new() { Run = &SgemmDriver<SgemmKernelVector128>.Run, Name = "Vector128 6x8", RowWidth = 4 };
        return new() { Run = &SgemmDriver<SgemmKernelScalar>.Run, Name = "scalar 4x4", RowWidth = 1 };
    }
}
