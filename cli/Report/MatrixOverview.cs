using System.Globalization;
using System.Text;
using Qail.Evaluation;
using Qail.Experiments;

namespace Qail.Cli.Report;

/// <summary>
/// The study report's first table: one line per (env, config) with every method's mean test return, the best aligned
/// method (QAIL+QBC or SQIL) against the strongest post-training row by a paired interval, and whether the papers'
/// claim holds there by the issue's test: the best aligned method at least the best of PTQ (best clip) and QAT within
/// the intervals, better than PTQ by an interval excluding zero where PTQ loses more than 10% of FP's return, and no
/// fine-tuned method below its PTQ start by a paired interval.
/// </summary>
internal static class MatrixOverview
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] Columns =
    [
        "FP32", QuantizationStudy.ExpertRow, QuantizationStudy.ControlRow, QuantMethod.PtqMinMax.Display(),
        RowSummary.PtqName, QuantMethod.Gptq.Display(), QuantMethod.Awq.Display(), QuantMethod.QuaRotGptq.Display(),
        RowSummary.QatName, QuantMethod.QailQbc.Display(), QuantMethod.Sqil.Display(),
    ];

    // The post-training rows the aligned methods are also held against: the strongest of them, cell by cell.
    private static readonly string[] PostTraining =
    [
        RowSummary.PtqName, QuantMethod.Gptq.Display(), QuantMethod.Awq.Display(), QuantMethod.QuaRotGptq.Display(),
        QuantMethod.QuaRotRtn.Display(),
    ];

    /// <summary>The markdown overview of <paramref name="cells"/> (all envs and configs).</summary>
    public static string Table(IReadOnlyList<StudyCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var text = new StringBuilder();
        text.AppendLine("## Overview: mean test return per method, and the papers' claim");
        text.AppendLine();
        text.AppendLine("| env | config | seeds | " + string.Join(" | ", Columns)
            + " | best aligned − strongest PTQ-family [95%] | claim |");
        text.AppendLine("|---|---|---|" + string.Concat(Enumerable.Repeat("---:|", Columns.Length)) + "---|---|");
        foreach (var group in cells.GroupBy(c => (c.Env, c.Config)).OrderBy(g => g.Key.Env, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Config, StringComparer.Ordinal))
        {
            var seeds = group.OrderBy(c => c.Seed).ToList();
            var rows = RowSummary.Over(seeds);
            int decimals = ClaimCheck.Decimals(rows);
            string Mean(string name) => rows.FirstOrDefault(r => r.Name == name) is { } r
                ? r.Return.Estimate.ToString("F" + decimals, Invariant) : "-";
            var (versus, aligned, strongest) = VersusStrongest(seeds, rows);
            // Below PTQ (best clip) itself is already part of the claim.
            bool belowStrongest = versus is { High: < 0 } && strongest != RowSummary.PtqName;
            string claim = Claim(rows) + (belowStrongest ? $"; {aligned} below {strongest}" : "");
            string difference = versus is { } d ? $"{d.Format(decimals)} ({aligned} − {strongest})" : "-";
            text.AppendLine(FormattableString.Invariant($"| {group.Key.Env} | {group.Key.Config} | {seeds.Count} | ")
                + string.Join(" | ", Columns.Select(Mean)) + $" | {difference} | {claim} |");
        }
        text.AppendLine();
        text.AppendLine("Claim: \"holds\" when the better of QAIL+QBC and SQIL is at least the best of PTQ (best clip) "
            + "and QAT within the paired intervals, above PTQ by an interval excluding zero where PTQ loses more than "
            + "10% of FP's return, and no fine-tuned method ends below its PTQ start by a paired interval; "
            + "\"nothing to recover\" when PTQ loses at most 1%. The strongest PTQ-family row is the post-training "
            + "method (best clip, GPTQ, AWQ, QuaRot) with the highest mean return in that cell; the claim notes when "
            + "the best aligned method is below it by a paired interval.");
        text.AppendLine();
        return text.ToString();
    }

    /// <summary>The issue's test of the papers' claim on one (env, config), in a few words.</summary>
    public static string Claim(IReadOnlyList<RowSummary> rows)
    {
        if (ClaimCheck.Of(rows) is not { } check) return "no verdict (rows missing)";
        if (!check.FpScores) return "no verdict (FP did not learn the task)";
        var failures = new List<string>();
        if (check.Best.VersusPtq is { High: < 0 }) failures.Add("below PTQ");
        if (check.Best.VersusQat is { High: < 0 }) failures.Add("below QAT");
        if (check.MustRecover && !check.AbovePtq) failures.Add("not above PTQ");
        if (check.BelowStart.Count > 0) failures.Add($"{string.Join(", ", check.BelowStart)} below start");
        if (failures.Count > 0) return "no: " + string.Join("; ", failures);
        return check.PtqLoss <= 1 ? "holds; nothing to recover" : "holds";
    }

    // The best aligned row minus the strongest post-training row, paired per test episode over the cell's seeds.
    private static (Interval? Difference, string Aligned, string Strongest) VersusStrongest(
        IReadOnlyList<StudyCell> cells, IReadOnlyList<RowSummary> rows)
    {
        var aligned = rows.Where(r => r.Name == QuantMethod.QailQbc.Display() || r.Name == QuantMethod.Sqil.Display())
            .MaxBy(r => r.Return.Estimate);
        var strongest = rows.Where(r => PostTraining.Contains(r.Name)).MaxBy(r => r.Return.Estimate);
        if (aligned is null || strongest is null) return (null, "", "");
        var groups = cells.Select(c => (Returns(c, aligned.Name), Returns(c, strongest.Name))).ToList();
        return (Intervals.PairedDifference(groups), aligned.Name, strongest.Name);
    }

    private static IReadOnlyList<double> Returns(StudyCell cell, string row) =>
        cell.Row(row)!.Episodes.Select(e => e.Return).ToArray();
}
