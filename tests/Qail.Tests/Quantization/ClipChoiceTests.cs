using Qail.Envs;
using Qail.Experiments;
using Qail.Policies;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Quantization;

/// <summary>
/// The best-clip PTQ baseline and GPTQ on a trained policy: never worse, layer by layer, than min-max.
/// </summary>
public class ClipChoiceTests
{
    private static (PolicyNetwork Teacher, List<PolicyBatch> Calibration) Trained()
    {
        var demos = Demonstrations.Collect("pendulum-swingup", 3, seed: 5, actionNoise: 0.1);
        var teacher = new MlpPolicy(Env.Lookup("pendulum-swingup").Create().Spec, [32, 32], seed: 6);
        BehaviourCloning.Train(teacher, demos, new TrainOptions { Epochs = 2 });
        return (teacher, QuantizationStudy.CalibrationBatches(demos, 7, batches: 2).ToList());
    }

    [Fact]
    public void EachLayerKeepsTheCandidateWithTheSmallestOutputError()
    {
        var (teacher, calibration) = Trained();
        var student = (PolicyNetwork)Quantizer.Prepare(teacher, QuantConfig.WeightOnly(2));
        var choices = ClipChoice.Apply(student, calibration);
        Assert.Equal(3, choices.Count);
        foreach (var choice in choices)
        {
            Assert.Equal(ClipChoice.Candidates.Count, choice.Errors.Count);
            Assert.Equal(choice.Errors.Values.Min(), choice.Errors[choice.Chosen]);
        }
        // At 2 bits a min-max grid rounds most weights to zero: some layer must prefer a clipped range.
        Assert.Contains(choices, c => c.Chosen != CalibrationMethod.MinMax);
    }

    [Fact]
    public void GptqStudentComputesWithWeightsOnItsOwnGrid()
    {
        var (teacher, calibration) = Trained();
        var student = Gptq.Apply(teacher, QuantConfig.Create(3, QuantGranularity.PerGroup, 16), calibration);
        foreach (var layer in Quantizer.Layers(student))
        {
            var weight = layer.Layer.Weight.Value.ToArray<float>();
            Assert.Equal(weight, ClipChoice.Dequantized(layer.Weight!, layer.Layer.Weight.Value));
        }
    }
}
