using Qail.Experiments;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Experiments;

/// <summary>
/// The papers' effect at small scale, end to end: on pendulum swing-up, 2-bit per-channel PTQ of the trained MLP
/// policy loses most of its closed-loop return, while QAIL+QBC fine-tuning recovers nearly all of it, and the
/// deployed integer policy does as well as its fake-quantized twin.
/// </summary>
public class PaperEffectTests
{
    [Fact]
    public void PtqCollapsesAndQailQbcRecoversOnPendulumSwingUp()
    {
        var options = new StudyOptions
        {
            Env = "pendulum-swingup",
            DemoEpisodes = 20,
            EvalEpisodes = 5,
            Training = new TrainOptions { Epochs = 10 },
            FineTuning = new QailOptions { Epochs = 5 },
            Config = QuantConfig.WeightOnly(2),
            Methods = [QuantMethod.Ptq, QuantMethod.QailQbc],
            Seed = 0,
        };
        var study = QuantizationStudy.Run(options);
        double fp = study.Rows[0].Evaluation.MeanReturn, ptq = study.Rows[1].Evaluation.MeanReturn, qbc = study.Rows[2].Evaluation.MeanReturn;

        Assert.True(fp > 800, $"the FP policy should swing up (return {fp:F1})");
        Assert.True(ptq < 0.5 * fp, $"2-bit PTQ should lose a clear part of the FP return (FP {fp:F1}, PTQ {ptq:F1})");
        Assert.True(qbc > 0.9 * fp, $"QAIL+QBC should recover most of it (FP {fp:F1}, QAIL+QBC {qbc:F1})");
        Assert.True(study.Rows[2].ActionError < study.Rows[1].ActionError,
            "QAIL+QBC's actions should stay closer to the FP policy's than PTQ's");

        var deployed = DeploymentStudy.Run(study, QuantMethod.QailQbc);
        Assert.Equal(3, deployed.Count);
        Assert.True(Math.Abs(deployed[2].Evaluation.MeanReturn - qbc) < 0.02 * fp,
            $"the deployed integer policy should match its fake-quantized twin (deployed {deployed[2].Evaluation.MeanReturn:F1}, fake-quant {qbc:F1})");
        Assert.True(deployed[2].ModelBytes < deployed[0].ModelBytes / 4, "2-bit weights should be far smaller than fp32");
    }
}
