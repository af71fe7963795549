using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu.MachineCode;

/// <summary>
/// CPU features the generated kernels need, read from CPUID and XCR0 directly: .NET 10 exposes no 512-bit VNNI
/// intrinsics, so <c>IsSupported</c> cannot say whether vpdpbusd zmm may run. XCR0 is read by a three-instruction
/// generated stub (xgetbv), so the check also proves the OS grants executable memory.
/// </summary>
internal static unsafe class X64Features
{
    // XCR0: SSE, AVX, opmask, ZMM0-15 upper halves, ZMM16-31 -- the OS saves all AVX-512 state.
    private const ulong Avx512State = 0b1110_0110;

    /// <summary>True when the CPU has AVX-512 F, BW and VNNI and the OS saves the ZMM state.</summary>
    public static bool HasAvx512Vnni { get; } = Detect();

    private static bool Detect()
    {
        if (!X86Base.X64.IsSupported) return false;
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 7) return false;
        var (_, _, ecx1, _) = X86Base.CpuId(1, 0);
        const int osxsave = 1 << 27;
        if ((ecx1 & osxsave) == 0) return false;
        var (_, ebx7, ecx7, _) = X86Base.CpuId(7, 0);
        const int avx512F = 1 << 16, avx512Bw = 1 << 30, avx512Vnni = 1 << 11;
        if ((ebx7 & avx512F) == 0 || (ebx7 & avx512Bw) == 0 || (ecx7 & avx512Vnni) == 0) return false;
        return (ReadXcr0() & Avx512State) == Avx512State;
    }

    // xgetbv through a generated stub; 0 (no state) where executable memory is refused.
    private static ulong ReadXcr0()
    {
        var asm = new X64Assembler();
        asm.ReadXcr0();
        asm.Ret();
        var stub = ExecutableMemory.Place(asm.ToArray());
        return stub == null ? 0 : ((delegate* unmanaged<uint>)stub)();
    }
}
