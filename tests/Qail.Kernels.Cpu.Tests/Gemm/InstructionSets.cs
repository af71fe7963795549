namespace Qail.Kernels.Cpu.Tests.Gemm;

/// <summary>The SIMD paths this machine can run, each forced in turn with <see cref="KernelDispatch.With"/>.</summary>
internal static class InstructionSets
{
    /// <summary>Scalar up to the detected path.</summary>
    public static IEnumerable<InstructionSet> Available =>
        Enum.GetValues<InstructionSet>().Where(isa => isa <= KernelDispatch.Detected);
}
