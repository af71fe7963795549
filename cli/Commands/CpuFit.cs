using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Qail.Kernels.Cpu;

namespace Qail.Cli.Commands;

/// <summary>
/// Whether the instruction sets this binary was compiled for fit the CPU. A JIT-run `qail` compiles for the CPU it
/// runs on; a NativeAOT binary compiles once, for its `IlcInstructionSet`. Built for more than the CPU has, the .NET
/// runtime stops before Main ("The required instruction sets are not supported by the current CPU"); built for
/// less, the kernels silently take the portable path. This catches the second case, reading the CPU's own report.
/// </summary>
internal static class CpuFit
{
    /// <summary>True when the code was compiled ahead of time (NativeAOT), false under the JIT.</summary>
    public static bool AheadOfTime => !RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>The instruction-set level the running code was compiled for, in IlcInstructionSet's words.</summary>
    public static string CompiledFor()
    {
        if (Avx512F.IsSupported && Avx512BW.IsSupported) return "x86-64-v4 (AVX-512)";
        if (Avx2.IsSupported && Fma.IsSupported) return "x86-64-v3 (AVX2 + FMA)";
        if (X86Base.IsSupported) return "x86-64 baseline (SSE; no AVX2, no FMA)";
        if (Dp.IsSupported) return "armv8.2-a with dotprod";
        if (AdvSimd.Arm64.IsSupported) return "armv8-a (NEON; no dot product)";
        return "no SIMD";
    }

    /// <summary>A one-line warning when the CPU offers a wider kernel path than the binary was compiled for.</summary>
    public static string? Advice()
    {
        if (!AheadOfTime) return null;
        string? better = null;
        if (X86Base.IsSupported)
        {
            var (avx2Fma, avx512) = X86Levels();
            if (avx512 && !Avx512F.IsSupported) better = "x86-64-v4";
            else if (avx2Fma && !(Avx2.IsSupported && Fma.IsSupported)) better = "x86-64-v3";
        }
        else if (AdvSimd.Arm64.IsSupported && !Dp.IsSupported && ArmReportsDotProduct())
        {
            better = "armv8.2-a%2Cdotprod";
        }
        return better is null
            ? null
            : $"this binary was compiled for {CompiledFor()} but the CPU offers more: the kernels run the " +
              $"{KernelDispatch.Active} path. Publish with -p:IlcInstructionSet={better} (see the README).";
    }

    // CPUID leaf 1 (FMA, OSXSAVE) and leaf 7 (AVX2, AVX-512 F and BW): what the CPU and the OS say it has.
    private static (bool Avx2Fma, bool Avx512) X86Levels()
    {
        var (_, _, ecx1, _) = X86Base.CpuId(1, 0);
        bool osxsave = (ecx1 & (1 << 27)) != 0, fma = (ecx1 & (1 << 12)) != 0;
        var (_, ebx7, _, _) = X86Base.CpuId(7, 0);
        bool avx2 = (ebx7 & (1 << 5)) != 0, avx512 = (ebx7 & (1 << 16)) != 0 && (ebx7 & (1 << 30)) != 0;
        return (osxsave && avx2 && fma, osxsave && avx512);
    }

    // Linux lists the dot-product extension as "asimddp" in /proc/cpuinfo's Features line.
    private static bool ArmReportsDotProduct()
    {
        try
        {
            return File.Exists("/proc/cpuinfo") && File.ReadLines("/proc/cpuinfo")
                .Any(line => line.StartsWith("Features", StringComparison.Ordinal)
                    && line.Contains(" asimddp", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
