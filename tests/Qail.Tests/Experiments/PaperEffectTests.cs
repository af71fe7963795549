using Qail.Experiments;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Experiments;

/// <summary>
/// The study end to end at small scale on pendulum swing-up at 2 bits: min-max PTQ collapses, the best-clip PTQ
/// baseline does not; QAIL+QBC, started from the best-clip PTQ, hands back a checkpoint at least as good on validation
/// episodes as its start; the deployed integer policy does as well as its fake-quantized twin.
/// </summary>
public class PaperEffectTests
{
    [Fact]
    public void StrongPtqHoldsWhereMinMaxCollapsesAndFineTuningNeverEndsBelowItsStart()
    {
        var options = new StudyOptions
        {
            Env = "pendulum-swingup",
            DemoEpisodes = 20,
            EvalEpisodes = 5,
            ValidationEpisodes = 2,
            CheckpointEvery = 5,
            Controls = false,
            Training = new TrainOptions { Epochs = 10, ValidationFraction = 0.1 },
            FineTuning = new QailOptions { Epochs = 5, ValidationFraction = 0.1 },
            LearningRates = [3e-4, 1e-3],
            QbcWeights = [1],
            ScreenEpochs = 1,
            Config = QuantConfig.WeightOnly(2),
            Methods = [QuantMethod.PtqMinMax, QuantMethod.Ptq, QuantMethod.QailQbc],
            Seed = 0,
        };
        var study = QuantizationStudy.Run(options);
        double fp = study.Rows[0].Evaluation.MeanReturn, minMax = study.Rows[1].Evaluation.MeanReturn,
            best = study.Rows[2].Evaluation.MeanReturn;

        Assert.True(fp > 800, $"the FP policy should swing up (return {fp:F1})");
        Assert.NotNull(study.Rows[0].Training!.ChosenEpoch);
        Assert.True(minMax < 0.5 * fp,
            $"2-bit min-max PTQ should lose a clear part of the FP return (FP {fp:F1}, min-max {minMax:F1})");
        Assert.True(best > minMax + 0.25 * fp,
            $"best-clip PTQ should keep far more (min-max {minMax:F1}, best clip {best:F1})");
        Assert.True(study.Rows[2].ActionError < study.Rows[1].ActionError,
            "best-clip actions should stay closer to the FP policy's than min-max's");

        var qbc = study.Rows[3];
        Assert.Equal(QuantMethod.Ptq.Display(), qbc.Start);
        Assert.Matches("^lr (3e-4|1e-3), λ 1$", qbc.Choice);
        Assert.Contains("validation return / held-out action error of 2 screens", qbc.Note);
        var checks = qbc.Training!.Validation!;
        Assert.Equal(0, checks[0].Epoch);
        Assert.Equal(checks.Max(c => c.Value), checks.First(c => c.Epoch == qbc.Training.ChosenEpoch).Value);
        Assert.All(study.Rows.Skip(1),
            r => Assert.All(r.Evaluation.Episodes, e => Assert.True(e.Seed >= Qail.Evaluation.SeedRanges.TestBase)));

        var deployed = DeploymentStudy.Run(study, QuantMethod.QailQbc);
        Assert.Equal(3, deployed.Count);
        Assert.True(Math.Abs(deployed[2].Evaluation.MeanReturn - qbc.Evaluation.MeanReturn) < 0.02 * fp,
            "the deployed integer policy should match its fake-quantized twin (deployed "
            + $"{deployed[2].Evaluation.MeanReturn:F1}, fake-quant {qbc.Evaluation.MeanReturn:F1})");
        Assert.True(deployed[2].ModelBytes < deployed[0].ModelBytes / 4,
            "2-bit weights should be far smaller than fp32");
    }
}
