namespace Qail.Envs;

/// <summary>
/// SplitMix64 pseudo-random generator: tiny, fast, and bit-identical on every platform and runtime version,
/// so seeded episodes replay exactly.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>
    /// A generator for a child stream, e.g. episode <paramref name="index"/> of a run seeded with
    /// <paramref name="seed"/>.
    /// </summary>
    public static SplitMix64 Derive(long seed, long index) =>
        new(Mix(unchecked((ulong)seed * 0x9E3779B97F4A7C15ul ^ Mix((ulong)index + 0x632BE59BD9B4E019ul))));

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15ul);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1ul << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, count).</summary>
    public int NextInt(int count)
    {
        if (count <= 0)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"SplitMix64.NextInt: count {count} must be positive.");
        return (int)(NextUInt64() % (ulong)count);
    }

    /// <summary>A standard normal sample (Box-Muller).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A 31-bit non-negative seed for a child object.</summary>
    public int NextSeed() => (int)(NextUInt64() >> 33);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return z ^ (z >> 31);
    }
}
