using System.Globalization;

namespace Qail.Testing;

/// <summary>
/// Runs a property over generated cases. On failure it shrinks the case to a minimal one that fails the same way
/// (same exception type), and throws <see cref="PropertyFailedException"/> naming the shrunk case, the failure and
/// the seed that replays it. Works under any test framework: a failing property is one that throws.
/// </summary>
public static class Check
{
    /// <summary>Checks that <paramref name="property"/> does not throw for any generated case.</summary>
    public static void ForAll<T>(Generator<T> generator, Action<T> property, CheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(property);
        options ??= CheckOptions.Default;
        if (options.Cases < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Cases,
            "Check: Cases must be at least 1.");
        if (options.ReplaySeed is { } replay)
        {
            RunCase(generator, property, options, replay, "replayed case");
            return;
        }
        ulong runSeed = options.RunSeed;
        for (int i = 0; i < options.Cases; i++)
            RunCase(generator, property, options, CaseRandom.CaseSeed(runSeed, i),
                string.Create(CultureInfo.InvariantCulture, $"case {i + 1} of {options.Cases} (run seed {runSeed})"));
    }

    private static void RunCase<T>(Generator<T> generator, Action<T> property, CheckOptions options, ulong caseSeed,
        string where)
    {
        var original = generator.Generate(caseSeed);
        var failure = Failure(property, original);
        if (failure is null) return;

        var (shrunk, shrunkFailure, steps, tries) = Shrink(generator, property, original, failure,
            options.MaxShrinkTries);
        string description = generator.Describe(shrunk);
        string message = string.Create(CultureInfo.InvariantCulture,
            $"Property failed on {where}.{Environment.NewLine}" +
            $"Shrunk counterexample ({steps} simplifications in {tries} tries): {description}{Environment.NewLine}" +
            $"{shrunkFailure.GetType().Name}: {shrunkFailure.Message}{Environment.NewLine}" +
            $"Original case: {generator.Describe(original)}{Environment.NewLine}" +
            $"Replay seed 0x{caseSeed:X16}: CheckOptions {{ Replay = 0x{caseSeed:X16} }} " +
            $"or QAIL_TEST_REPLAY=0x{caseSeed:X16}");
        throw new PropertyFailedException(message, shrunkFailure, shrunk, description, caseSeed, steps);
    }

    // Greedy: take the first simpler case that still fails with the same exception type, repeat until none does.
    private static (T Case, Exception Failure, int Steps, int Tries) Shrink<T>(Generator<T> generator,
        Action<T> property, T failing,
        Exception failure, int maxTries)
    {
        int steps = 0, tries = 0;
        var kind = failure.GetType();
        bool improved = true;
        while (improved && tries < maxTries)
        {
            improved = false;
            foreach (var candidate in generator.Shrink(failing))
            {
                if (++tries > maxTries) break;
                var f = Failure(property, candidate);
                if (f is null || f.GetType() != kind) continue;
                (failing, failure, improved) = (candidate, f, true);
                steps++;
                break;
            }
        }
        return (failing, failure, steps, Math.Min(tries, maxTries));
    }

    private static Exception? Failure<T>(Action<T> property, T value)
    {
        try
        {
            property(value);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
