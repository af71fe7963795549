using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>How a micro-kernel reads activation rows, with s the signed form (uint8 minus 128).</summary>
internal enum Int8OperandForm
{
    /// <summary>s itself.</summary>
    Signed,
    /// <summary>s + 128 as an unsigned byte (vpdpbusd).</summary>
    Biased,
    /// <summary>s widened to int16 (vpmaddwd).</summary>
    Wide,
}

/// <summary>The int8 GEMM kernels one instruction-set rank runs, chosen once per rank for this machine.</summary>
internal readonly unsafe struct Int8Kernels
{
    /// <summary>The kernel family, for logs and benchmark reports.</summary>
    public string Name { get; init; }
    /// <summary>4 rows x one panel (<see cref="Int8MicroKernels"/>).</summary>
    public delegate*<void*, int, int, sbyte*, int, int*, void> Micro { get; init; }
    /// <summary>Up to 4 rows x two panels on signed rows (<see cref="Int8GemvKernels"/>).</summary>
    public delegate*<sbyte*, int, int, sbyte*, sbyte*, int, int*, void> Gemv { get; init; }
    /// <summary>The form <see cref="Micro"/> reads.</summary>
    public Int8OperandForm Form { get; init; }
    /// <summary>True when the kernels multiply s + 128 (vpdpbusd), adding 128 * column sum to remove.</summary>
    public bool Biased { get; init; }
    /// <summary>True when the glue (row packing, correction) may use vectors; false for the scalar reference.</summary>
    public bool Vector { get; init; }
    /// <summary>True for the generated 512-bit VNNI kernels (<see cref="Vnni512Gemm"/>), which replace both.</summary>
    public bool Generated { get; init; }
}

/// <summary>
/// The int8 kernels of each <see cref="InstructionSet"/> rank: chosen once per rank into <see cref="KernelTable"/>,
/// read from there by a call under the active cap.
/// </summary>
internal static unsafe class Int8KernelTable
{
    /// <summary>The kernels rank <paramref name="isa"/> runs on this machine.</summary>
    public static Int8Kernels For(InstructionSet isa) => KernelTable.For(isa).Int8;

    /// <summary>Picks rank <paramref name="isa"/>'s kernels from the hardware checks (once, for the table).</summary>
    internal static Int8Kernels Choose(InstructionSet isa)
    {
        if (isa >= InstructionSet.Vnni512 && Vnni512MicroKernels.IsAvailable)
            return new()
            {
                Name = "generated AVX-512 VNNI 8x48", Form = Int8OperandForm.Biased,
                Biased = true, Vector = true, Generated = true,
            };
        if (isa >= InstructionSet.Native)
        {
            if (AvxVnni.IsSupported)
                return Of("AVX-VNNI 4x16", &Int8MicroKernels.VnniKernel, &Int8GemvKernels.VnniKernel,
                    Int8OperandForm.Biased, true);
            if (isa >= InstructionSet.NativeExtended && Avx512BW.IsSupported)
                return Of("AVX-512BW vpmaddwd 4x16", &Int8MicroKernels.Avx512Kernel, &Int8GemvKernels.Avx512Kernel,
                    Int8OperandForm.Wide, false);
            if (Avx2.IsSupported)
                return Of("AVX2 maddubs 4x16", &Int8MicroKernels.Avx2Kernel, &Int8GemvKernels.Avx2Kernel,
                    Int8OperandForm.Signed, false);
            if (isa >= InstructionSet.NativeExtended && Dp.IsSupported)
                return Of("NEON sdot 2x16", &Int8MicroKernels.DotKernel, &Int8GemvKernels.DotKernel,
                    Int8OperandForm.Signed, false);
            if (AdvSimd.Arm64.IsSupported)
                return Of("NEON smull 1x16", &Int8MicroKernels.NeonKernel, &Int8GemvKernels.Neon,
                    Int8OperandForm.Signed, false);
        }
        return isa >= InstructionSet.Vector128 && Vector128.IsHardwareAccelerated
            ? Of("Vector128 1x16", &Int8MicroKernels.Portable, &Int8GemvKernels.Portable, Int8OperandForm.Signed, false)
            : Of("scalar", &Int8MicroKernels.Scalar, &Int8GemvKernels.Scalar, Int8OperandForm.Signed, false)
                with { Vector = false };
    }

    private static Int8Kernels Of(string name, delegate*<void*, int, int, sbyte*, int, int*, void> micro,
        delegate*<sbyte*, int, int, sbyte*, sbyte*, int, int*, void> gemv, Int8OperandForm form, bool biased) =>
        new() { Name = name, Micro = micro, Gemv = gemv, Form = form, Biased = biased, Vector = true };
}
