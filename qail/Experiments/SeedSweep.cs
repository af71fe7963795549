namespace Qail.Experiments;

/// <summary>
/// The study repeated over several training seeds (demonstrations, initialisation, batches and fine-tuning all
/// reseeded; evaluation episodes stay on the same unseen seeds), so a method's figure comes with its spread over
/// training runs and not only over evaluation episodes.
/// </summary>
public static class SeedSweep
{
    /// <summary>
    /// Seeds of run i are <c>options.Seed + i * SeedStride</c>: the study's derived seeds (+1..+5) never collide.
    /// </summary>
    public const int SeedStride = 100;

    /// <summary>Runs <paramref name="trainingSeeds"/> studies and summarises each policy row over them.</summary>
    public static SeedSweepResult Run(StudyOptions options, int trainingSeeds, IStudyProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingSeeds, 1);
        var runs = new List<StudyResult>(trainingSeeds);
        for (int i = 0; i < trainingSeeds; i++)
        {
            var seeded = options with { Seed = options.Seed + i * SeedStride };
            runs.Add(QuantizationStudy.Run(seeded, progress));
        }
        return new SeedSweepResult(runs);
    }
}

/// <summary>The studies of a <see cref="SeedSweep"/> and each policy row summarised over them.</summary>
public sealed record SeedSweepResult(IReadOnlyList<StudyResult> Runs)
{
    /// <summary>One line per policy row (FP32 first), in the studies' order.</summary>
    public IReadOnlyList<SeedSummaryRow> Summary =>
        Runs[0].Rows.Select((row, i) => SeedSummaryRow.Over(row.Name, Runs.Select(r => r.Rows[i]).ToList())).ToList();
}

/// <summary>
/// One policy over the training seeds: the mean over seeds of each seed's mean return and success rate, their standard
/// deviation over seeds, and the mean within-seed (evaluation-episode) standard deviation of the return.
/// </summary>
public sealed record SeedSummaryRow(string Name, int Seeds, double MeanReturn, double StdReturnOverSeeds,
    double MeanEpisodeStd,
    double MeanSuccess, double StdSuccessOverSeeds, double MeanDrivingScore)
{
    /// <summary>Summarises the same policy row of several studies.</summary>
    public static SeedSummaryRow Over(string name, IReadOnlyList<StudyRow> rows)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        var returns = rows.Select(r => r.Evaluation.MeanReturn).ToArray();
        var success = rows.Select(r => r.Evaluation.SuccessRate).ToArray();
        return new SeedSummaryRow(name, rows.Count, returns.Average(), Evaluation.EvalResult.Std(returns),
            rows.Average(r => r.Evaluation.StdReturn), success.Average(), Evaluation.EvalResult.Std(success),
            rows.Average(r => r.Evaluation.MeanMetric("driving_score")));
    }
}
