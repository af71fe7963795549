using System.Globalization;
using Qail.Engine;

namespace Qail.Evaluation;

/// <summary>A point estimate with its 95% interval.</summary>
public readonly record struct Interval(double Estimate, double Low, double High)
{
    /// <summary>True when the interval lies wholly above (or below) zero.</summary>
    public bool ExcludesZero => Low > 0 || High < 0;

    /// <summary>"12.3 [4.5, 20.1]" with the given number of decimals.</summary>
    public string Format(int decimals = 1)
    {
        string f = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        return $"{Estimate.ToString(f, CultureInfo.InvariantCulture)} [{Low.ToString(f, CultureInfo.InvariantCulture)},"
            + $" {High.ToString(f, CultureInfo.InvariantCulture)}]";
    }
}

/// <summary>
/// The 95% intervals the reports use: Wilson's score interval for a success rate, and a seeded percentile bootstrap of
/// the mean for returns and paired differences. With several training seeds the bootstrap is hierarchical: it resamples
/// training seeds, then episodes within each, so the spread between training runs widens the interval.
/// </summary>
public static class Intervals
{
    private const double Z95 = 1.959963984540054;

    /// <summary>Bootstrap resamples (percentile method).</summary>
    public const int Resamples = 4000;

    /// <summary>Wilson 95% interval of a success rate, in percent.</summary>
    public static Interval Wilson(int successes, int trials)
    {
        if (trials < 1)
            throw new ArgumentOutOfRangeException(nameof(trials), trials, "Wilson: need at least one trial.");
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes,
                "Wilson: successes must lie in [0, trials].");
        double p = (double)successes / trials, z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
        double half = Z95 * Math.Sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / (1 + z2 / trials);
        return new Interval(100 * p, 100 * Math.Max(0, centre - half), 100 * Math.Min(1, centre + half));
    }

    /// <summary>Percentile-bootstrap 95% interval of the mean of <paramref name="values"/> (one group).</summary>
    public static Interval BootstrapMean(IReadOnlyList<double> values, long seed = 0) => BootstrapMean([values], seed);

    /// <summary>
    /// Hierarchical percentile-bootstrap 95% interval of the mean over groups (training seeds) of the mean within each
    /// group (episodes); with one group it is the ordinary bootstrap over episodes.
    /// </summary>
    public static Interval BootstrapMean(IReadOnlyList<IReadOnlyList<double>> groups, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0 || groups.Any(g => g.Count == 0))
            throw new ArgumentException("BootstrapMean: every group needs at least one value.", nameof(groups));
        double estimate = groups.Average(g => g.Average());
        var random = new SeededRandom(seed);
        var means = new double[Resamples];
        for (int r = 0; r < Resamples; r++)
        {
            double sum = 0;
            for (int g = 0; g < groups.Count; g++)
            {
                var group = groups.Count == 1 ? groups[0] : groups[random.NextInt(groups.Count)];
                double inner = 0;
                for (int i = 0; i < group.Count; i++) inner += group[random.NextInt(group.Count)];
                sum += inner / group.Count;
            }
            means[r] = sum / groups.Count;
        }
        Array.Sort(means);
        return new Interval(estimate, means[(int)(0.025 * (Resamples - 1))],
            means[(int)Math.Ceiling(0.975 * (Resamples - 1))]);
    }

    /// <summary>
    /// Paired difference a - b per episode (same env seed, same training seed), then the hierarchical bootstrap of its
    /// mean. Each group holds one training seed's episodes of both policies, in the same seed order.
    /// </summary>
    public static Interval PairedDifference(IReadOnlyList<(IReadOnlyList<double> A, IReadOnlyList<double> B)> groups,
        long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var differences = groups.Select(g =>
        {
            if (g.A.Count != g.B.Count)
                throw new ArgumentException($"PairedDifference: {g.A.Count} episodes against {g.B.Count}.",
                    nameof(groups));
            return (IReadOnlyList<double>)g.A.Zip(g.B, (a, b) => a - b).ToArray();
        }).ToList();
        return BootstrapMean(differences, seed);
    }
}
