using Qail.Kernels.Cpu;

namespace Qail.Kernels.Arm64Check;

/// <summary>
/// One kernel's seeded check: <see cref="Run"/> draws its inputs from the seed's generator, runs the kernel with
/// the cap at the given rank and returns null on success or what differs.
/// </summary>
internal sealed record KernelCheck(string Name, Func<Random, InstructionSet, string?> Run)
{
    /// <summary>
    /// A kernel whose scalar path is its reference: <paramref name="compute"/> runs once under the Scalar cap and
    /// once under the checked rank, on inputs drawn from the same seed, and the results must be equal bit for bit.
    /// </summary>
    public static KernelCheck Exact<T>(string name, Func<Random, T[]> compute) where T : IEquatable<T> =>
        new(name, (random, isa) =>
        {
            int seed = random.Next();
            T[] expected = [], actual = [];
            KernelDispatch.With(InstructionSet.Scalar, () => expected = compute(new Random(seed)));
            KernelDispatch.With(isa, () => actual = compute(new Random(seed)));
            return KernelChecks.Same(expected, actual, $"{name} ({expected.Length} values)");
        });
}
