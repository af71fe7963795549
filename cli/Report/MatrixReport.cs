using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Qail.Evaluation;
using Qail.Experiments;
using Qail.IO;
using ScottPlot;

namespace Qail.Cli.Report;

/// <summary>
/// The markdown report of study cells: one table per (env, config) with 95% intervals, paired differences against the
/// best-clip PTQ and QAT, what validation chose, and a verdict on the papers' ordering; a return plot per table.
/// </summary>
internal static class MatrixReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly Regex DaggerRound = new(@"DAgger round (\d+) of (\d+)", RegexOptions.CultureInvariant);

    /// <summary>
    /// Writes README.md (and plots) for <paramref name="cells"/> into <paramref name="folder"/>; returns the markdown
    /// path.
    /// </summary>
    public static string Write(string folder, IReadOnlyList<StudyCell> cells, string preamble)
    {
        Directory.CreateDirectory(folder);
        var text = new StringBuilder(preamble);
        text.Append(MatrixOverview.Table(cells));
        foreach (var group in cells.GroupBy(c => (c.Env, c.Config)).OrderBy(g => g.Key.Env, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Config, StringComparer.Ordinal))
        {
            var summary = RowSummary.Over([.. group.OrderBy(c => c.Seed)]);
            string plot = $"returns-{group.Key.Env}-{group.Key.Config}";
            ReturnPlot(summary, $"{group.Key.Env} {group.Key.Config}", Path.Combine(folder, plot));
            text.AppendLine(Invariant, $"## {group.Key.Env}, {group.Key.Config}");
            text.AppendLine();
            text.AppendLine(Invariant,
                $"Training seeds {string.Join(", ", group.Select(c => c.Seed).Order())}; FP teacher kept at epoch " +
                $"{string.Join(", ", group.OrderBy(c => c.Seed).Select(c => c.TeacherEpoch))} (validation loss)"
                + $"{DaggerRounds(group.OrderBy(c => c.Seed))}.");
            text.AppendLine();
            text.Append(Table(summary));
            text.AppendLine();
            text.AppendLine(Verdict(summary));
            text.AppendLine();
            text.AppendLine(Invariant, $"![returns]({plot}.png)");
            text.AppendLine();
        }
        string path = Path.Combine(folder, "README.md");
        AtomicFile.WriteAllText(path, text.ToString());
        return path;
    }

    // "; DAgger rounds 4, 0 of 4 (validation return)" when the teachers were trained with DAgger (their FP rows'
    // notes name the round kept), else nothing.
    private static string DaggerRounds(IEnumerable<StudyCell> cells)
    {
        var rounds = cells.Select(c => DaggerRound.Match(c.Row("FP32")?.Note ?? "")).ToList();
        if (!rounds.All(m => m.Success)) return "";
        var totals = rounds.Select(m => m.Groups[2].Value).Distinct().ToList();
        return $"; DAgger rounds {string.Join(", ", rounds.Select(m => m.Groups[1].Value))} of "
            + $"{string.Join("/", totals)} (validation return)";
    }

    /// <summary>The markdown table of one (env, config).</summary>
    public static string Table(IReadOnlyList<RowSummary> rows)
    {
        int d = ClaimCheck.Decimals(rows);
        var text = new StringBuilder();
        text.AppendLine("| policy | return [95% CI] | std over seeds | success % [Wilson 95%] | action error (own / FP "
            + "states) | Δ vs PTQ (best clip) [95%] | Δ vs QAT [95%] | chosen on validation |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            text.AppendLine(Invariant,
                $"| {r.Name} | {r.Return.Format(d)} | "
                + $"{(r.Seeds > 1 ? r.StdOverSeeds.ToString("F" + d, Invariant) : "-")} "
                + $"| {r.Success.Format(0)} | {Error(r.ActionError)} / {Error(r.ActionErrorOnFpStates)} | " +
                $"{r.VersusPtq?.Format(d) ?? "-"} | {r.VersusQat?.Format(d) ?? "-"} | "
                + $"{(r.Choices.Length == 0 ? "-" : r.Choices)} |");
        text.AppendLine();
        static int PerSeed(RowSummary r) => r.Episodes / Math.Max(1, r.Seeds);
        int episodes = rows.Max(PerSeed);
        text.Append(Invariant, $"{episodes} test episodes per policy and seed (seeds {SeedRanges.TestBase} on");
        if (rows.FirstOrDefault(r => r.Name == QuantizationStudy.ExpertRow) is { } expert && PerSeed(expert) < episodes)
            text.Append(Invariant, $"; the expert's row the first {PerSeed(expert)}, its Δ paired on those");
        text.AppendLine("); return intervals bootstrap training seeds then episodes; Δ are paired per test episode.");
        return text.ToString();
    }

    /// <summary>
    /// Whether the papers' ordering holds here: the best of QAIL+QBC and SQIL against the best of PTQ (best clip) and
    /// QAT, and whether any fine-tuned method ended below its PTQ start by a paired interval that excludes zero.
    /// </summary>
    public static string Verdict(IReadOnlyList<RowSummary> rows)
    {
        if (ClaimCheck.Of(rows) is not { } check)
            return "No verdict: the table lacks the FP32, the PTQ (best clip) or both aligned rows.";
        var text = new StringBuilder();
        if (!check.FpScores)
            text.Append("FP scores about nothing: no relative PTQ loss (the FP policy did not learn the task). ");
        else if (check.PtqLoss >= 0)
            text.Append(Invariant, $"PTQ (best clip) loses {check.PtqLoss:F1}% of FP's return. ");
        else text.Append(Invariant, $"PTQ (best clip) scores {-check.PtqLoss:F1}% above FP. ");
        var (best, d) = (check.Best, ClaimCheck.Decimals(rows));
        text.Append(Invariant, $"{best.Name} vs PTQ: {best.VersusPtq?.Format(d) ?? "-"}");
        if (check.HasQat) text.Append(Invariant, $", vs QAT: {best.VersusQat?.Format(d) ?? "-"}");
        text.Append(check.AtLeastBestOfPtqAndQat
            ? " — at least the best of PTQ and QAT within the intervals" : " — below the best of PTQ and QAT");
        if (check.MustRecover)
            text.Append(check.AbovePtq ? "; better than PTQ by an interval excluding zero."
                : "; not better than PTQ by an interval excluding zero.");
        else if (check.FpScores) text.Append("; PTQ loses at most 10% here, so there is little to recover.");
        else text.Append('.');
        text.Append(check.BelowStart.Count == 0 ? " No fine-tuned method ends below its PTQ start by a paired interval."
            : $" Below their PTQ start: {string.Join(", ", check.BelowStart)}.");
        return text.ToString();
    }

    private static string Error(double value) => double.IsNaN(value) ? "-" : value.ToString("F4", Invariant);

    private static void ReturnPlot(IReadOnlyList<RowSummary> rows, string title, string basePath)
    {
        var plot = new Plot();
        plot.Add.Bars(rows.Select((r, i) => new Bar { Position = i, Value = r.Return.Estimate }).ToArray());
        for (int i = 0; i < rows.Count; i++)
        {
            var interval = plot.Add.Line(i, rows[i].Return.Low, i, rows[i].Return.High);
            interval.LineWidth = 2;
            interval.Color = Colors.Black;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(),
            rows.Select(r => r.Name).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{title}: test return, 95% intervals");
        plot.YLabel("episode return");
        AtomicFile.WriteAllBytes(basePath + ".png", plot.GetImageBytes(900, 500, ImageFormat.Png));
    }
}
