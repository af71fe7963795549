namespace Qail.Evaluation;

/// <summary>Closed-loop results of one policy over many seeded episodes, with mean and standard deviation.</summary>
public sealed record EvalResult(string Policy, string Env, IReadOnlyList<EpisodeOutcome> Episodes)
{
    /// <summary>Mean episode return.</summary>
    public double MeanReturn => Episodes.Average(e => e.Return);

    /// <summary>Standard deviation of episode returns over evaluation seeds.</summary>
    public double StdReturn => Std(Episodes.Select(e => e.Return));

    /// <summary>Fraction of successful episodes, in percent.</summary>
    public double SuccessRate => 100.0 * Episodes.Count(e => e.Success) / Episodes.Count;

    /// <summary>Mean of a named metric over the episodes that report it (NaN when none does).</summary>
    public double MeanMetric(string name)
    {
        var values = Episodes.Where(e => e.Metrics.ContainsKey(name)).Select(e => e.Metrics[name]).ToArray();
        return values.Length == 0 ? double.NaN : values.Average();
    }

    /// <summary>Population standard deviation (0 for fewer than two values).</summary>
    public static double Std(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
    }
}
