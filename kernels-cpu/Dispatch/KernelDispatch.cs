using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Picks the SIMD path every kernel takes. <see cref="Cap"/> lowers the ceiling so tests can force
/// each path on one machine; the hardware checks are JIT constants, so unused paths cost nothing.
/// The cap is per thread (tests run in parallel), so a kernel reads <see cref="Active"/> once on the
/// calling thread and hands the choice to its workers. The environment variable QAIL_MAX_ISA
/// (scalar, vector128, native, nativeextended, vnni512) sets the process-wide default.
/// </summary>
public static class KernelDispatch
{
    private static readonly InstructionSet DefaultCap = ReadDefaultCap();

    [ThreadStatic] private static InstructionSet? _threadCap;

    /// <summary>The widest path the hardware (and this process's JIT/AOT settings) supports.</summary>
    public static InstructionSet Detected { get; } = Detect();

    /// <summary>Upper bound on the path kernels may take; defaults to the widest.</summary>
    public static InstructionSet Cap
    {
        get => _threadCap ?? DefaultCap;
        set
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown instruction set.");
            _threadCap = value;
        }
    }

    /// <summary>The path kernels take now: the lower of <see cref="Detected"/> and <see cref="Cap"/>.</summary>
    public static InstructionSet Active => Detected < Cap ? Detected : Cap;

    /// <summary>True when x64 AVX-VNNI (256-bit vpdpbusd) may be used on the active path.</summary>
    public static bool UseAvxVnni => Active >= InstructionSet.Native && AvxVnni.IsSupported;

    /// <summary>True when the ARM64 dot-product extension may be used on the active path.</summary>
    public static bool UseArmDot => Active >= InstructionSet.NativeExtended && Dp.IsSupported;

    /// <summary>
    /// Runs <paramref name="action"/> with the cap lowered to <paramref name="cap"/>, then restores it.
    /// </summary>
    public static void With(InstructionSet cap, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var saved = _threadCap;
        Cap = cap;
        try { action(); }
        finally { _threadCap = saved; }
    }

    /// <summary>True when the generated 512-bit VNNI int8 kernels may be used on the active path.</summary>
    public static bool UseVnni512 => Active >= InstructionSet.Vnni512;

    /// <summary>A one-line description of the active path for logs and benchmark reports.</summary>
    public static string Describe() =>
        $"{Active} = {Names(Active)} (detected {Detected}, cap {Cap}; " +
        $"int8 kernel {KernelTable.Active.Int8.Name}, sgemm {KernelTable.Active.Sgemm.Name}, " +
        $"convolution {KernelTable.Active.Convolution}; " +
        $"AVX-VNNI {(UseAvxVnni ? "on" : "off")}, ARM dot {(UseArmDot ? "on" : "off")})";

    /// <summary>What a rank means on this machine's architecture, e.g. "AVX-512" or "NEON+dot".</summary>
    public static string Names(InstructionSet isa) => (isa, AdvSimd.Arm64.IsSupported) switch
    {
        (InstructionSet.Scalar, _) => "scalar",
        (InstructionSet.Vector128, _) => "Vector128",
        (InstructionSet.Native, true) => "NEON",
        (InstructionSet.Native, false) => AvxVnni.IsSupported ? "AVX2+FMA, AVX-VNNI" : "AVX2+FMA",
        (InstructionSet.NativeExtended, true) => "NEON+dot",
        (InstructionSet.NativeExtended, false) => "AVX-512 F/BW",
        _ => "generated 512-bit VNNI int8, AVX-512 elsewhere",
    };

    private static InstructionSet ReadDefaultCap()
    {
        var text = Environment.GetEnvironmentVariable("QAIL_MAX_ISA");
        if (string.IsNullOrWhiteSpace(text)) return InstructionSet.Vnni512;
        return Enum.TryParse<InstructionSet>(text, ignoreCase: true, out var cap) && Enum.IsDefined(cap)
            ? cap
            : throw new ArgumentException(
                $"QAIL_MAX_ISA='{text}' is not one of scalar, vector128, native, nativeextended, vnni512.");
    }

    private static InstructionSet Detect()
    {
        // The generated kernels need no compiler support: a NativeAOT build targeting AVX2 still reaches them.
        if (Vnni512MicroKernels.IsAvailable) return InstructionSet.Vnni512;
        if (Avx512F.IsSupported && Avx512BW.IsSupported) return InstructionSet.NativeExtended;
        if (Avx2.IsSupported && Fma.IsSupported) return InstructionSet.Native;
        if (AdvSimd.Arm64.IsSupported) return Dp.IsSupported ? InstructionSet.NativeExtended : InstructionSet.Native;
        if (Vector128.IsHardwareAccelerated) return InstructionSet.Vector128;
        return InstructionSet.Scalar;
    }
}
