using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>The centered int16 convolution's paths (<see cref="CenteredConvolution"/>), widest last.</summary>
internal enum ConvolutionPath
{
    /// <summary>The scalar reference.</summary>
    Scalar,
    /// <summary>Portable Vector128: int16 pairs widened to int32.</summary>
    Portable,
    /// <summary>ARM64 NEON smlal/smlal2 + addp.</summary>
    Neon,
    /// <summary>x64 AVX2 vpmaddwd, 8 outputs per vector.</summary>
    Avx2,
    /// <summary>x64 AVX-512BW vpmaddwd, 16 outputs per vector (AVX2 where 8 outputs or fewer).</summary>
    Avx512,
}

/// <summary>
/// The kernels one <see cref="InstructionSet"/> rank runs on this machine: every kernel family's choice among its
/// SIMD paths, made once per rank from the hardware checks when the table is first read (as ggml fills its per-ISA
/// function tables). A call reads the entry of the active rank and dispatches through it, so each ladder of
/// <c>IsSupported</c> checks is written once, in its family's chooser, and run once per rank.
/// </summary>
internal sealed unsafe class KernelTable
{
    private static readonly KernelTable[] Entries =
        Enum.GetValues<InstructionSet>().Select(rank => new KernelTable(rank)).ToArray();

    private KernelTable(InstructionSet rank)
    {
        Vector128 = rank >= InstructionSet.Vector128 && System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated;
        Vector512 = rank >= InstructionSet.NativeExtended && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
        Sgemm = SgemmKernels.Choose(rank);
        Int8 = Int8KernelTable.Choose(rank);
        Int4Rows = Int4RowKernels.Choose(rank);
        Int4FloatRows = rank >= InstructionSet.Native && Avx2.IsSupported
            ? rank >= InstructionSet.NativeExtended && Avx512F.IsSupported ? 512 : 256
            : 0;
        Convolution = ConvolutionPaths.Choose(rank);
        FloatLanes = rank switch
        {
            >= InstructionSet.NativeExtended when System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated =>
                FloatLaneWidth.Bits512,
            >= InstructionSet.Native when System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated =>
                FloatLaneWidth.Bits256,
            >= InstructionSet.Vector128 when System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated =>
                FloatLaneWidth.Bits128,
            _ => FloatLaneWidth.Scalar,
        };
    }

    /// <summary>The entry of rank <paramref name="isa"/> on this machine.</summary>
    public static KernelTable For(InstructionSet isa) => Entries[(int)isa];

    /// <summary>The entry of the calling thread's active rank (<see cref="KernelDispatch.Active"/>).</summary>
    public static KernelTable Active => For(KernelDispatch.Active);

    /// <summary>Element-wise loops may use 128-bit vectors (quantization, dequantization).</summary>
    public bool Vector128 { get; }

    /// <summary>Element-wise loops may use 512-bit vectors.</summary>
    public bool Vector512 { get; }

    /// <summary>The fp32 GEMM's cache-blocked driver and few-row width.</summary>
    public SgemmKernels Sgemm { get; }

    /// <summary>The int8 GEMM's micro-kernels.</summary>
    public Int8Kernels Int8 { get; }

    /// <summary>The int4 x int8 row kernel.</summary>
    public delegate*<byte*, float*, int, int, sbyte*, int, float*, int, float*, void> Int4Rows { get; }

    /// <summary>Bits of the fused int4 x fp32 GEMV (256: AVX2, 512: AVX-512); 0 where it dequantizes rows.</summary>
    public int Int4FloatRows { get; }

    /// <summary>The centered convolution's path.</summary>
    public ConvolutionPath Convolution { get; }

    /// <summary>The widest vector lanes element-wise kernels use (512 bits at NativeExtended, 256 at Native).</summary>
    public FloatLaneWidth FloatLanes { get; }
}
