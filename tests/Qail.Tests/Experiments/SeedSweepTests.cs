using Qail.Evaluation;
using Qail.Experiments;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Experiments;

public class SeedSweepTests
{
    [Fact]
    public void EachTrainingSeedIsAFreshRunScoredOnTheSameEpisodes()
    {
        var options = new StudyOptions
        {
            Env = "cartpole-balance",
            DemoEpisodes = 3,
            EvalEpisodes = 2,
            Hidden = [16],
            Config = QuantConfig.WeightOnly(3),
            Methods = [QuantMethod.Ptq],
            Training = new TrainOptions { Epochs = 1 },
            Controls = false,
            Seed = 7,
        };
        var sweep = SeedSweep.Run(options, trainingSeeds: 3);

        Assert.Equal([7, 107, 207], sweep.Runs.Select(r => r.Options.Seed));
        Assert.All(sweep.Runs, r => Assert.Equal([SeedRanges.TestBase, SeedRanges.TestBase + 1],
            r.FullPrecision.Evaluation.Episodes.Select(e => e.Seed)));
        Assert.All(sweep.Runs, r => Assert.Equal(sweep.Runs[0].FullPrecision.Evaluation.Episodes.Select(e => e.Seed),
            r.FullPrecision.Evaluation.Episodes.Select(e => e.Seed)));
        // Different seeds train different teachers.
        Assert.NotEqual(sweep.Runs[0].Demonstrations.Actions, sweep.Runs[1].Demonstrations.Actions);

        var summary = sweep.Summary;
        Assert.Equal(["FP32", "PTQ (best clip)"], summary.Select(s => s.Name));
        for (int row = 0; row < summary.Count; row++)
        {
            var returns = sweep.Runs.Select(r => r.Rows[row].Evaluation.MeanReturn).ToArray();
            Assert.Equal(3, summary[row].Seeds);
            Assert.Equal(returns.Average(), summary[row].MeanReturn, 9);
            Assert.Equal(Qail.Evaluation.EvalResult.Std(returns), summary[row].StdReturnOverSeeds, 9);
            Assert.Equal(sweep.Runs.Average(r => r.Rows[row].Evaluation.StdReturn), summary[row].MeanEpisodeStd, 9);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedSweep.Run(options, 0));
    }
}
