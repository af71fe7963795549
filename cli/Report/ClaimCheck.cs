using Qail.Experiments;

namespace Qail.Cli.Report;

/// <summary>
/// What the papers' claim needs on one (env, config), computed once for the overview and the per-table verdict:
/// the better of QAIL+QBC and SQIL (<paramref name="Best"/>), PTQ (best clip)'s loss against FP in percent, and the
/// fine-tuned rows that end below their PTQ start by a paired interval.
/// </summary>
internal sealed record ClaimCheck(RowSummary Best, bool HasQat, bool FpScores, double PtqLoss,
    IReadOnlyList<string> BelowStart)
{
    /// <summary>PTQ loses more than 10% of FP's return: the aligned method must beat it by an interval.</summary>
    public bool MustRecover => PtqLoss > 10;

    /// <summary>The best aligned method is above PTQ by a paired interval that excludes zero.</summary>
    public bool AbovePtq => Best.VersusPtq is { Low: > 0 };

    /// <summary>The best aligned method is at least the best of PTQ and QAT within the paired intervals.</summary>
    public bool AtLeastBestOfPtqAndQat => Best.VersusPtq is { High: >= 0 } && (!HasQat || Best.VersusQat is
        { High: >= 0 });

    /// <summary>
    /// Decimals that resolve the returns of <paramref name="rows"/>: 3 where they all lie within ±10 (driving and
    /// manipulation score at most 1 an episode), else 1.
    /// </summary>
    public static int Decimals(IReadOnlyList<RowSummary> rows) =>
        rows.All(r => Math.Abs(r.Return.Estimate) < 10) ? 3 : 1;

    /// <summary>The check, or null when the FP32, PTQ (best clip) or both aligned rows are missing.</summary>
    public static ClaimCheck? Of(IReadOnlyList<RowSummary> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        RowSummary? Find(string name) => rows.FirstOrDefault(r => r.Name == name);
        var fp = Find("FP32");
        var ptq = Find(RowSummary.PtqName);
        var aligned = new[] { Find(QuantMethod.QailQbc.Display()), Find(QuantMethod.Sqil.Display()) }
            .OfType<RowSummary>().ToList();
        if (fp is null || ptq is null || aligned.Count == 0) return null;
        // A relative loss means nothing when the FP policy scores about nothing (a teacher that did not learn): under
        // 10% of the expert's return (finger-spin's BC teacher: 18 against 771), or under 1 where there is no expert
        // row (returns run to 1 on driving, 1000 on physics).
        var expert = Find(QuantizationStudy.ExpertRow);
        bool fpScores = fp.Return.Estimate >= (expert is { Return.Estimate: > 0 } e ? 0.1 * e.Return.Estimate : 1);
        double loss = fpScores ? 100 * (fp.Return.Estimate - ptq.Return.Estimate) / fp.Return.Estimate : 0;
        var belowStart = rows.Where(r => r.VersusPtq is { High: < 0 }
            && (r.Name == RowSummary.QatName || aligned.Contains(r))).Select(r => r.Name).ToList();
        return new ClaimCheck(aligned.MaxBy(r => r.Return.Estimate)!, Find(RowSummary.QatName) is not null, fpScores,
            loss, belowStart);
    }
}
