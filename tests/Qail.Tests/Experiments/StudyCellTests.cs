using Qail.Experiments;
using Qail.Quantization;

namespace Qail.Tests.Experiments;

public class StudyCellTests
{
    private static StudyCell Cell(int seed, double shift) => new("pendulum-swingup", "W2", seed, 17,
    [
        new CellRow("FP32", null, null, 1.5, double.NaN, "kept epoch 17",
            [new CellEpisode(1_000_000, 900 + shift, true, 1000, double.NaN),
                new CellEpisode(1_000_001, 910.25 + shift, false, 1000, double.NaN)]),
        new CellRow("PTQ (best clip)", null, null, 0.1, 0.02, "clip per layer: body.0 Mse",
            [new CellEpisode(1_000_000, 800 + shift, true, 1000, 0.1),
                new CellEpisode(1_000_001, 805 + shift, true, 1000, 0.2)]),
        new CellRow("QAIL+QBC", "PTQ (best clip)", 4, 3.25, 0.01, "kept epoch 4 of 10",
            [new CellEpisode(1_000_000, 850 + shift, true, 1000, 0.05),
                new CellEpisode(1_000_001, 860 + shift, true, 1000, 0.06)], "lr 3e-4, λ 1"),
    ]);

    [Fact]
    public void CellFileRoundTripsAndRejectsDamage()
    {
        string folder = Path.Combine(Path.GetTempPath(), "qail-cell-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cell = Cell(100, 0);
            string path = StudyCellFile.Write(folder, cell);
            var read = StudyCellFile.Read(path);
            Assert.Equal((cell.Env, cell.Config, cell.Seed, cell.TeacherEpoch),
                (read.Env, read.Config, read.Seed, read.TeacherEpoch));
            for (int r = 0; r < cell.Rows.Count; r++)
            {
                Assert.Equal(cell.Rows[r] with { Episodes = [] }, read.Rows[r] with { Episodes = [] });
                Assert.Equal(cell.Rows[r].Episodes, read.Rows[r].Episodes);
            }
            // A version 1 cell (no chosen learning rate and QBC weight) still reads, with an empty choice.
            string v1 = string.Join('\n',
                File.ReadAllLines(path).Select(line => line.StartsWith("row\t", StringComparison.Ordinal)
                ? line[..line.LastIndexOf('\t')] : line == StudyCellFile.Header ? StudyCellFile.HeaderV1 : line));
            File.WriteAllText(path, v1);
            Assert.Equal("", StudyCellFile.Read(path).Rows[2].Choice);
            Assert.Equal(cell.Rows[2].Note, StudyCellFile.Read(path).Rows[2].Note);
            File.WriteAllText(path, File.ReadAllText(path).Replace("910.25", "nine"));
            var error = Assert.Throws<InvalidDataException>(() => StudyCellFile.Read(path));
            Assert.Contains("'nine' is not a number", error.Message);
            File.WriteAllText(path, File.ReadAllText(path).Replace("1000001\tnine", "500001\t910.25"));
            Assert.Throws<InvalidDataException>(() => StudyCellFile.Read(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void SummaryPairsEachRowWithPtqOverSeeds()
    {
        var summary = RowSummary.Over([Cell(0, 0), Cell(100, 20)]);
        Assert.Equal(["FP32", "PTQ (best clip)", "QAIL+QBC"], summary.Select(s => s.Name));
        var qbc = summary[2];
        Assert.Equal(52.5, qbc.VersusPtq!.Value.Estimate, 9);
        Assert.Null(qbc.VersusQat);
        Assert.Equal(100, qbc.Success.Estimate);
        Assert.Equal(4, qbc.Episodes);
        Assert.Equal("s0: lr 3e-4, λ 1, epoch 4; s100: lr 3e-4, λ 1, epoch 4", qbc.Choices);
        Assert.Equal(50, summary[0].Success.Estimate);
    }

    [Fact]
    public void TheExpertsRowMayHoldTheFirstTestSeedsOnlyAndPairsOnThem()
    {
        static StudyCell WithExpert(StudyCell cell, params int[] seeds) => cell with
        {
            Rows = [.. cell.Rows, new CellRow(QuantizationStudy.ExpertRow, null, null, 60, double.NaN, "",
                [.. seeds.Select(s => new CellEpisode(s, 990, true, 1000, double.NaN))])],
        };
        string folder = Path.Combine(Path.GetTempPath(), "qail-cell-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cells = new[] { WithExpert(Cell(0, 0), 1_000_000), WithExpert(Cell(100, 20), 1_000_000) };
            var read = cells.Select(c => StudyCellFile.Read(StudyCellFile.Write(folder, c))).ToList();
            var expert = RowSummary.Over(read).Single(r => r.Name == QuantizationStudy.ExpertRow);
            Assert.Equal(2, expert.Episodes);
            // Paired on the first test seed alone: 990 - 800 and 990 - 820.
            Assert.Equal(180, expert.VersusPtq!.Value.Estimate, 9);

            // Not a prefix of the test seeds, or another row short of them: rejected naming the row.
            StudyCellFile.Write(folder, WithExpert(Cell(0, 0), 1_000_001));
            string path = Path.Combine(folder, StudyCell.FileName("pendulum-swingup", "W2", 0));
            var error = Assert.Throws<InvalidDataException>(() => StudyCellFile.Read(path));
            Assert.Contains("row 'expert' was not run on the same test seeds", error.Message);
            var cell = Cell(0, 0);
            StudyCellFile.Write(folder, cell with { Rows = [cell.Rows[0], cell.Rows[1] with
                { Episodes = [cell.Rows[1].Episodes[0]] }, cell.Rows[2]] });
            error = Assert.Throws<InvalidDataException>(() => StudyCellFile.Read(path));
            Assert.Contains("row 'PTQ (best clip)' was not run on the same test seeds", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FineTuningChoiceTakesTheBestValidationScoreAndRecordsEveryScreen()
    {
        var screened = new List<(double, double)>();
        var (lr, weight, label, screens) = FineTuningChoice.Choose([1e-4, 3e-4, 1e-3], [0.3, 1, 3], (lr, w) =>
        {
            screened.Add((lr, w));
            // a full tie keeps the earlier point
            return new ScreenScore(lr == 1e-3 && w == 0.3 ? 10 : lr == 3e-4 && w == 3 ? 10 : 1, 0.5);
        });
        Assert.Equal(9, screened.Count);
        Assert.Equal((3e-4, 3.0, "lr 3e-4, λ 3"), (lr, weight, label));
        Assert.StartsWith("validation return / held-out action error of 9 screens: lr 1e-4, λ 0.3: 1.0 / 0.5000;",
            screens);
        Assert.EndsWith("; best return tied, action error decided", screens);
        var qat = FineTuningChoice.Choose([1e-4, 1e-3], [0.0], (lr, _) => new ScreenScore(-lr, 0));
        Assert.Equal("lr 1e-4", qat.Label);
        Assert.DoesNotContain("tied", qat.Screens, StringComparison.Ordinal);
        int calls = 0;
        var fixedPoint = FineTuningChoice.Choose([3e-4], [1.0], (_, _) => new ScreenScore(++calls, 0));
        Assert.Equal((0, "lr 3e-4, λ 1", "fixed, no screen"), (calls, fixedPoint.Label, fixedPoint.Screens));
    }

    [Fact]
    public void SparseReturnTiesAreBrokenByTheHeldOutActionError()
    {
        // Every screen succeeds on every validation episode (return 1): the one with the least action error wins.
        var (lr, weight, _, screens) = FineTuningChoice.Choose([1e-4, 3e-4, 1e-3], [0.3, 1], (lr, w) =>
            new ScreenScore(1, lr == 1e-3 && w == 1 ? 0.01 : 0.2));
        Assert.Equal((1e-3, 1.0), (lr, weight));
        Assert.Contains("lr 1e-3, λ 1: 1.0 / 0.0100", screens, StringComparison.Ordinal);
        Assert.EndsWith("action error decided", screens);
        // Returns in [0, 1] (driving) show to three decimals, so the note explains a choice between near-equal ones.
        var near = FineTuningChoice.Choose([1e-4, 3e-4], [0.0], (lr, _) =>
            new ScreenScore(lr == 3e-4 ? 0.996 : 0.992, 0.1));
        Assert.Equal(3e-4, near.LearningRate);
        Assert.StartsWith("validation return / held-out action error of 2 screens: lr 1e-4: 0.992 / 0.1000; "
            + "lr 3e-4: 0.996 / 0.1000", near.Screens, StringComparison.Ordinal);
        // A higher return still beats a smaller action error.
        Assert.True(new ScreenScore(2, 0.9).Beats(new ScreenScore(1, 0.1)));
        Assert.False(new ScreenScore(1, 0.1).Beats(new ScreenScore(1, 0.1)));
    }

    [Fact]
    public void ShardsPartitionTheMatrixAndConfigNamesParse()
    {
        var matrix = new StudyMatrix(["a", "b"], ["W2", "W4A4"], [0, 100, 200]);
        var shards = Enumerable.Range(1, 5).SelectMany(k => matrix.Shard(k, 5)).ToList();
        Assert.Equal(matrix.Cells.OrderBy(c => c.FileName), shards.OrderBy(c => c.FileName));
        // The configs of one env and seed share their teacher: one shard runs them all, back to back.
        foreach (var shard in Enumerable.Range(1, 5).Select(k => matrix.Shard(k, 5)))
            Assert.All(shard.Select((c, i) => (c, i)).GroupBy(x => (x.c.Env, x.c.Seed)), group =>
                Assert.Equal(Enumerable.Range(group.First().i, 2), group.Select(x => x.i)));
        Assert.Equal((3, 8), StudyMatrix.ParseShard("3/8"));
        Assert.Throws<ArgumentException>(() => StudyMatrix.ParseShard("9/8"));
        Assert.Equal("W4g32A4", StudyMatrix.ParseConfig("W4g32A4").Label);
        Assert.Equal(QuantGranularity.PerChannel, StudyMatrix.ParseConfig("W2").Weights.Granularity);
        Assert.Equal(8, StudyMatrix.ParseConfig("W4A4").FirstLayerActivations!.Bits);
        Assert.Throws<ArgumentException>(() => StudyMatrix.ParseConfig("W9"));
    }
}
