using Qail.Engine;
using Qail.Kernels.Cpu;

namespace Qail.Testing;

/// <summary>
/// Runs a kernel once under each instruction-set cap this machine supports (<see cref="KernelDispatch.With"/>) and
/// compares every path with the scalar one, or with a given reference, naming the path and the worst element.
/// A hand-written kernel takes part by choosing its path from <see cref="KernelDispatch.Active"/>.
/// </summary>
public static class InstructionSetAssert
{
    /// <summary>The caps worth testing here: every <see cref="InstructionSet"/> up to the detected one.</summary>
    public static IReadOnlyList<InstructionSet> Available { get; } =
        Enum.GetValues<InstructionSet>().Where(i => i <= KernelDispatch.Detected).ToArray();

    /// <summary>
    /// Every SIMD path's result equals the <see cref="InstructionSet.Scalar"/> path's within <paramref
    /// name="tolerance"/> (default bit-exact).
    /// </summary>
    public static void MatchesScalar(Func<Tensor> kernel, Tolerance? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var scalar = Run(InstructionSet.Scalar, kernel);
        Compare(scalar, "the scalar path", kernel, tolerance ?? Tolerance.Exact, Available.Where(i
            => i != InstructionSet.Scalar));
    }

    /// <summary>
    /// Every path's result (the scalar one included) equals <paramref name="reference"/> within <paramref
    /// name="tolerance"/> (default bit-exact).
    /// </summary>
    public static void MatchesReference(Tensor reference, Func<Tensor> kernel, Tolerance? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(kernel);
        Compare(reference, "the reference", kernel, tolerance ?? Tolerance.Exact, Available);
    }

    /// <summary>
    /// <see cref="MatchesScalar(Func{Tensor}, Tolerance?)"/> for a kernel that returns an array (float, double, int,
    /// sbyte or byte).
    /// </summary>
    public static void MatchesScalar<T>(Func<T[]> kernel, Tolerance? tolerance = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(kernel);
        MatchesScalar(() => Tensor.From(kernel()), tolerance);
    }

    /// <summary><see cref="MatchesReference(Tensor, Func{Tensor}, Tolerance?)"/> for array-valued kernels.</summary>
    public static void MatchesReference<T>(T[] reference, Func<T[]> kernel, Tolerance? tolerance = null) where T
        : unmanaged
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(kernel);
        MatchesReference(Tensor.From(reference), () => Tensor.From(kernel()), tolerance);
    }

    private static void Compare(Tensor expected, string what, Func<Tensor> kernel, Tolerance tolerance,
        IEnumerable<InstructionSet> caps)
    {
        foreach (var cap in caps)
            TensorAssert.Close(expected, Run(cap, kernel), tolerance,
                $"{cap} path ({KernelDispatch.Detected} detected) differs from {what}");
    }

    private static Tensor Run(InstructionSet cap, Func<Tensor> kernel)
    {
        Tensor? result = null;
        KernelDispatch.With(cap, () => result = kernel());
        return result ?? throw new InvalidOperationException(
            $"InstructionSetAssert: the kernel returned null under the {cap} cap.");
    }
}
