using System.Globalization;

namespace Qail.Testing;

/// <summary>
/// How <see cref="Check.ForAll{T}"/> runs: how many cases, from which run seed, or one case replayed from its seed.
/// The environment variables QAIL_TEST_SEED (run seed) and QAIL_TEST_REPLAY (case seed, hex with 0x or decimal)
/// override the defaults without editing the test.
/// </summary>
/// <param name="Cases">Random cases to try before the property is taken to hold.</param>
/// <param name="Seed">Run seed; each case's seed derives from it and its index. Null: QAIL_TEST_SEED, else a fixed
/// seed.</param>
/// <param name="Replay">Case seed printed by a failure: runs that one case (then shrinks it) instead of a whole
/// run.</param>
/// <param name="MaxShrinkTries">Property evaluations spent shrinking a failing case.</param>
public sealed record CheckOptions(int Cases = 100, ulong? Seed = null, ulong? Replay = null, int MaxShrinkTries = 2000)
{
    /// <summary>The fixed run seed used when neither <see cref="Seed"/> nor QAIL_TEST_SEED is set.</summary>
    public const ulong DefaultSeed = 20261205;

    /// <summary>100 cases from the default seed.</summary>
    public static CheckOptions Default { get; } = new();

    internal ulong RunSeed => Seed ?? Parse("QAIL_TEST_SEED") ?? DefaultSeed;

    internal ulong? ReplaySeed => Replay ?? Parse("QAIL_TEST_REPLAY");

    private static ulong? Parse(string variable)
    {
        var text = Environment.GetEnvironmentVariable(variable)?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (ulong.TryParse(hex ? text[2..] : text, hex ? NumberStyles.HexNumber : NumberStyles.None,
            CultureInfo.InvariantCulture, out var v))
            return v;
        throw new ArgumentException($"{variable}='{text}' is not a seed (decimal, or hex with 0x).");
    }
}
