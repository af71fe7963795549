using Qail.Envs;
using Qail.Policies;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Training;

/// <summary>
/// Regression for learned (LSQ) step sizes under AdamW: Adam moves each value by about the learning rate per step, so
/// 8-bit weight steps of a few thousandths crossed zero within one fine-tuning (a W8A8 QAIL+QBC pendulum policy then
/// failed to export with a negative weight scale). Each quantizer's rate is now scaled by its own step size.
/// </summary>
public class StepSizeLearningTests
{
    [Theory]
    [InlineData(8, 8)]
    [InlineData(4, 4)]
    [InlineData(4, 0)]
    public void FineTuningKeepsEveryStepSizeNearItsCalibration(int weightBits, int activationBits)
    {
        var demos = Demonstrations.Collect("pendulum-swingup", episodes: 4, seed: 3, actionNoise: 0.1);
        var teacher = new MlpPolicy(Env.Lookup("pendulum-swingup").Create().Spec, [32, 32], seed: 1);
        BehaviourCloning.Train(teacher, demos, new TrainOptions { Epochs = 2, Seed = 2 });
        var config = QuantConfig.Create(weightBits, QuantGranularity.PerChannel, activationBits: activationBits);
        var student = (PolicyNetwork)Quantizer.Prepare(teacher, config, seed: 3);
        if (config.Activations is not null)
        {
            var all = PolicyBatch.FromDemonstrations(demos, Enumerable.Range(0, demos.Steps).ToArray());
            Quantizer.CalibrateActivations(student, [all], b => student.Predict(b));
        }
        var quantizers = Quantizer.Layers(student).SelectMany(l => new[] { l.Weight, l.Input }).OfType<FakeQuantize>()
            .ToList();
        Assert.All(quantizers, q => Assert.True(q.LearnsScale));
        var calibrated = quantizers.Select(q => q.Scale.ToArray<float>()).ToList();

        QuantAwareImitation.FineTune(student, teacher, demos, new QailOptions { Epochs = 3, Seed = 4 });

        for (int i = 0; i < quantizers.Count; i++)
        {
            var learned = quantizers[i].Scale.ToArray<float>();
            for (int c = 0; c < learned.Length; c++)
            {
                double ratio = learned[c] / calibrated[i][c];
                Assert.True(ratio is > 0.75 and < 1.25,
                    $"{config.Label} quantizer {i} ({quantizers[i].Target}) cell {c}: step {calibrated[i][c]:G4} "
                    + $"became {learned[c]:G4}");
            }
        }
    }
}
