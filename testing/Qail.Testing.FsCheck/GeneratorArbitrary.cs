using FsCheck;
using FsCheck.Fluent;

namespace Qail.Testing;

/// <summary>
/// Turns Qail.Testing generators into FsCheck generators and arbitraries that shrink with the kit's shrinkers.
/// </summary>
public static class GeneratorArbitrary
{
    /// <summary>
    /// An FsCheck generator drawing each case from a seed that FsCheck chooses (so FsCheck's replay seed replays it).
    /// </summary>
    public static Gen<T> ToGen<T>(this Generator<T> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return from hi in Gen.Choose(int.MinValue, int.MaxValue)
               from lo in Gen.Choose(int.MinValue, int.MaxValue)
               select generator.Generate(((ulong)(uint)hi << 32) | (uint)lo);
    }

    /// <summary>
    /// An FsCheck arbitrary whose shrinker is the generator's (a minimal failing tensor for tensor generators).
    /// </summary>
    public static Arbitrary<T> ToArbitrary<T>(this Generator<T> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Arb.From(generator.ToGen(), generator.Shrink);
    }
}
