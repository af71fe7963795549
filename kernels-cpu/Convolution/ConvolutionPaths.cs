using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>Chooses <see cref="CenteredConvolution"/>'s path for a rank (an entry of <see
/// cref="KernelTable"/>).</summary>
internal static class ConvolutionPaths
{
    public static ConvolutionPath Choose(InstructionSet isa)
    {
        if (isa >= InstructionSet.NativeExtended && Avx512BW.IsSupported) return ConvolutionPath.Avx512;
        if (isa >= InstructionSet.Native && Avx2.IsSupported) return ConvolutionPath.Avx2;
        if (isa >= InstructionSet.Native && AdvSimd.Arm64.IsSupported) return ConvolutionPath.Neon;
        return isa >= InstructionSet.Vector128 && Vector128.IsHardwareAccelerated
            ? ConvolutionPath.Portable
            : ConvolutionPath.Scalar;
    }
}
