namespace Qail.Testing;

/// <summary>
/// The deterministic random source of one generated case (SplitMix64): the same seed gives the same case on every
/// machine and .NET version, which is what makes a printed replay seed reproduce a failure.
/// </summary>
public sealed class CaseRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (both inclusive).</summary>
    public int Next(int min, int max)
    {
        if (max < min) throw new ArgumentException($"CaseRandom.Next: max {max} is below min {min}.", nameof(max));
        ulong span = (ulong)((long)max - min + 1);
        return (int)(min + (long)(NextUInt64() % span));
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>One of <paramref name="items"/>, uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("CaseRandom.Pick: no items to pick from.", nameof(items));
        return items[Next(0, items.Count - 1)];
    }

    /// <summary>The seed of case <paramref name="index"/> of a run seeded with <paramref name="runSeed"/>.</summary>
    public static ulong CaseSeed(ulong runSeed, int index)
        => new CaseRandom(runSeed ^ (0xD1B54A32D192ED03UL * (ulong)(index + 1))).NextUInt64();
}
