using Qail.Evaluation;

namespace Qail.Experiments;

/// <summary>
/// One policy row of one (env, config) over its training seeds: return with the hierarchical bootstrap 95% interval
/// (training seeds, then episodes), mean and spread over seeds, success with Wilson's interval over all episodes,
/// action errors, and paired differences against the best-clip PTQ and against QAT (same seeds, same episodes).
/// </summary>
public sealed record RowSummary(string Name, int Seeds, int Episodes, Interval Return, double StdOverSeeds,
    Interval Success,
    double ActionError, double ActionErrorOnFpStates, Interval? VersusPtq, Interval? VersusQat, string Choices)
{
    /// <summary>Row of the best-clip PTQ that paired differences are taken against.</summary>
    public static readonly string PtqName = QuantMethod.Ptq.Display();

    /// <summary>Row of plain QAT that paired differences are taken against.</summary>
    public static readonly string QatName = QuantMethod.Qat.Display();

    /// <summary>
    /// Summarises every row name present in all <paramref name="cells"/> (same env and config, one per seed), in the
    /// first cell's order.
    /// </summary>
    public static IReadOnlyList<RowSummary> Over(IReadOnlyList<StudyCell> cells, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0) throw new ArgumentException("RowSummary: no cells.", nameof(cells));
        var names = cells[0].Rows.Select(r => r.Name).Where(n => cells.All(c => c.Row(n) is not null)).ToList();
        return names.Select((name, index) =>
        {
            var rows = cells.Select(c => c.Row(name)!).ToList();
            var returns = rows.Select(r => (IReadOnlyList<double>)r.Episodes.Select(e => e.Return).ToArray()).ToList();
            int episodes = rows.Sum(r => r.Episodes.Count);
            var success = Intervals.Wilson(rows.Sum(r => r.Episodes.Count(e => e.Success)), episodes);
            return new RowSummary(name, cells.Count, episodes, Intervals.BootstrapMean(returns, seed + index),
                EvalResult.Std(rows.Select(r => r.MeanReturn)), success, rows.Average(r => r.ActionError),
                rows.Average(r => r.ActionErrorOnFpStates), Paired(cells, name, PtqName, seed + index),
                Paired(cells, name, QatName, seed + index),
                string.Join("; ", rows.Select((r, i) => Chosen(cells[i].Seed, r)).OfType<string>()));
        }).ToList();
    }

    // "s0: lr 3e-4, λ 1, epoch 6": what validation chose for one training seed's row (null when nothing).
    private static string? Chosen(int seed, CellRow row)
    {
        var parts = new List<string>();
        if (row.Choice.Length > 0) parts.Add(row.Choice);
        if (row.ChosenEpoch is int e) parts.Add($"epoch {e}");
        return parts.Count == 0 ? null : $"s{seed}: {string.Join(", ", parts)}";
    }

    private static Interval? Paired(IReadOnlyList<StudyCell> cells, string name, string against, long seed)
    {
        if (name == against || cells.Any(c => c.Row(against) is null)) return null;
        // Rows share their test seeds in order, the expert's only the first of them (StudyCell.CheckPaired): pairs are
        // the common first episodes.
        var groups = cells.Select(c =>
        {
            var (a, b) = (c.Row(name)!.Episodes, c.Row(against)!.Episodes);
            int n = Math.Min(a.Count, b.Count);
            return ((IReadOnlyList<double>)[.. a.Take(n).Select(e => e.Return)],
                (IReadOnlyList<double>)[.. b.Take(n).Select(e => e.Return)]);
        }).ToList();
        return Intervals.PairedDifference(groups, seed);
    }
}
