using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;
using Qail.Quantization;

namespace Qail.Tests.Quantization;

public class QuantizerTests
{
    private static Sequential SmallMlp() => new(new Linear(6, 32, seed: 1), new ReLU(), new Linear(32, 32, seed: 2),
        new ReLU(), new Linear(32, 2, seed: 3));

    [Fact]
    public void PrepareQuantizesACopyAndLeavesTheTeacherUntouched()
    {
        var teacher = SmallMlp();
        var before = teacher.StateDict().Select(p => p.Value.ToArray<float>()).ToList();
        var student = Quantizer.Prepare(teacher, QuantConfig.W4(groupSize: 8));
        var layers = Quantizer.Layers(student, QuantConfig.W4(groupSize: 8));

        Assert.Equal(3, layers.Count);
        Assert.All(layers, l => Assert.NotNull(l.Weight));
        Assert.Equal(QuantGranularity.PerChannel, layers[0].Weight!.Spec.Granularity); // 6 inputs: not a multiple of 8
        Assert.Equal(QuantGranularity.PerGroup, layers[1].Weight!.Spec.Granularity);
        Assert.DoesNotContain(Quantizer.Layers(teacher), l => l.Weight is not null);
        Assert.Equal(before, teacher.StateDict().Select(p => p.Value.ToArray<float>()).ToList());
    }

    [Fact]
    public void SkippedLayersStayInFullPrecision()
    {
        var config = QuantConfig.W4(groupSize: 8) with { SkipFirstLayer = true, SkipLastLayer = true };
        var layers = Quantizer.Layers(Quantizer.Prepare(SmallMlp(), config));
        Assert.Null(layers[0].Weight);
        Assert.NotNull(layers[1].Weight);
        Assert.Null(layers[2].Weight);
    }

    [Fact]
    public void ActivationCalibrationSetsEachInputScaleFromTheData()
    {
        var student = Quantizer.Prepare(SmallMlp(), QuantConfig.W8A8());
        var batch = Tensor.RandomUniform([16, 6], seed: 5, low: -2, high: 3);
        Quantizer.CalibrateActivations(student, [batch]);
        var first = Quantizer.Layers(student)[0].Input!;
        // Asymmetric 8-bit over [-2, 3] (the observed range, which includes 0): step = range / 255.
        var x = batch.ToArray<float>();
        Assert.Equal((x.Max() - x.Min()) / 255, first.Scale.Item(), 5);
        var output = student.Forward(Variable.Constant(batch)).Value;
        Assert.Equal([16, 2], output.ShapeToArray());
    }

    [Fact]
    public void ModelWithoutWeightLayersIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Quantizer.Prepare(new Sequential(new ReLU()), QuantConfig.W4()));
        Assert.Contains("no weight layers", error.Message);
    }
}
