using Qail.Cli.Report;
using Qail.Experiments;

namespace Qail.Cli.Tests;

public class MatrixOverviewTests
{
    // One cell whose rows score the given return on each of three test episodes, shifted per episode alike (by
    // `spread`), so every paired difference is exact.
    private static StudyCell Cell(string config, int seed, params (string Row, double Return)[] rows) =>
        Cell("pendulum-swingup", 10, config, seed, rows);

    private static StudyCell Cell(string env, double spread, string config, int seed,
        (string Row, double Return)[] rows) =>
        new(env, config, seed, 20, rows.Select(r => new CellRow(r.Row,
            r.Row is "QAT" or "QAIL+QBC" or "SQIL" ? "PTQ (best clip)" : null, null, 1, 0.01, "",
            Enumerable.Range(0, 3).Select(i => new CellEpisode(1_000_000 + i, r.Return + spread * i, true, 1000, 0.01))
                .ToList())).ToList());

    [Fact]
    public void OverviewStatesTheClaimPerEnvAndConfigAgainstTheStrongestBaseline()
    {
        (string, double)[] recovers =
            [("FP32", 1000), ("PTQ (best clip)", 800), ("GPTQ", 990), ("QAT", 900), ("QAIL+QBC", 950), ("SQIL", 940)];
        (string, double)[] belowStart =
            [("FP32", 1000), ("PTQ (best clip)", 995), ("GPTQ", 994), ("QAT", 999), ("QAIL+QBC", 990), ("SQIL", 992)];
        var cells = new[] { Cell("W2", 0, recovers), Cell("W2", 100, recovers), Cell("W4", 0, belowStart) };

        var lines = MatrixOverview.Table(cells).Split('\n');
        string w2 = Assert.Single(lines, l => l.StartsWith("| pendulum-swingup | W2 | 2 |", StringComparison.Ordinal));
        Assert.Contains("| -40.0 [-40.0, -40.0] (QAIL+QBC − GPTQ) | holds; QAIL+QBC below GPTQ |", w2);
        Assert.Contains("| 810.0 | 1000.0 | - | - | 910.0 | 960.0 | 950.0 |", w2);
        string w4 = Assert.Single(lines, l => l.StartsWith("| pendulum-swingup | W4 | 1 |", StringComparison.Ordinal));
        Assert.EndsWith("| no: below PTQ; below QAT; QAIL+QBC, SQIL below start |", w4.TrimEnd());

        var verdict = MatrixReport.Verdict(RowSummary.Over([cells[0], cells[1]]));
        Assert.StartsWith("PTQ (best clip) loses 19.8% of FP's return. QAIL+QBC vs PTQ: 150.0 [150.0, 150.0]", verdict);
        Assert.Contains("better than PTQ by an interval excluding zero.", verdict);
    }

    [Fact]
    public void ReturnsWithinOneKeepThreeDecimalsAndFpIsJudgedAgainstTheExpert()
    {
        // Driving: an episode scores at most 1, so FP's 0.81 is most of the expert's 0.97, not "about nothing".
        (string, double)[] rows = [("FP32", 0.8), ("expert", 0.96), ("PTQ (best clip)", 0.5), ("QAT", 0.78),
            ("QAIL+QBC", 0.7), ("SQIL", 0.82)];
        var cells = new[] { Cell("driving-nocrash-tt", 0.01, "W4A4", 0, rows) };

        string line = Assert.Single(MatrixOverview.Table(cells).Split('\n'),
            l => l.StartsWith("| driving-nocrash-tt | W4A4 | 1 |", StringComparison.Ordinal));
        Assert.Contains("| 0.810 | 0.970 | - | - | 0.510 | - | - | - | 0.790 | 0.710 | 0.830 |", line);
        Assert.EndsWith("| 0.320 [0.320, 0.320] (SQIL − PTQ (best clip)) | holds |", line.TrimEnd());
        Assert.StartsWith("PTQ (best clip) loses 37.0% of FP's return. SQIL vs PTQ: 0.320 [0.320, 0.320], vs QAT: "
            + "0.040 [0.040, 0.040]", MatrixReport.Verdict(RowSummary.Over(cells)));

        // A teacher at 2% of its expert (BC on finger-spin's planner) did not learn: no verdict on quantization.
        (string, double)[] failed = [("FP32", 18), ("expert", 771), ("PTQ (best clip)", 12), ("QAT", 15),
            ("QAIL+QBC", 13), ("SQIL", 15)];
        var finger = new[] { Cell("finger-spin", 1, "W4", 0, failed) };
        Assert.EndsWith("| no verdict (FP did not learn the task) |", Assert.Single(
            MatrixOverview.Table(finger).Split('\n'), l => l.StartsWith("| finger-spin |", StringComparison.Ordinal))
            .TrimEnd());
        Assert.StartsWith("FP scores about nothing", MatrixReport.Verdict(RowSummary.Over(finger)));
    }
}
