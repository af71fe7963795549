using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using Qail.Kernels.Cpu;
using Qail.Quantization;

namespace Qail.Tests.Quantization;

public class FakeQuantizeTests
{
    private const string Seed = "(20261126,1)";

    // A random weight [rows, k] with k a multiple of the group size, plus a spec over it.
    private static Gen<(double[] W, int Rows, int K, TensorQuantSpec Spec)> WeightCases() =>
        from rows in Gen.Choose(1, 6)
        from groups in Gen.Choose(1, 3)
        from groupSize in Gen.Elements(2, 4, 8)
        from bits in Gen.Choose(2, 8)
        from symmetric in Gen.Elements(true, false)
        from granularity in Gen.Elements(QuantGranularity.PerTensor, QuantGranularity.PerChannel,
            QuantGranularity.PerGroup)
        from values in Gen.ArrayOf(Gen.Choose(-3000, 3000).Select(v => v / 1000.0), rows * groups * groupSize)
        select (values, rows, groups * groupSize,
            new TensorQuantSpec(bits, symmetric, granularity,
                granularity == QuantGranularity.PerGroup ? groupSize : 0));

    private static FakeQuantize Calibrated(double[] w, int rows, int k, TensorQuantSpec spec, bool learn, DType dtype)
    {
        var fq = new FakeQuantize(spec, QuantTarget.Weight, [rows, k], learn, dtype: dtype);
        fq.CalibrateWeight(Tensor.From<double>(w, [rows, k]).Cast(dtype));
        return fq;
    }

    // Per-element scale and zero point of the grouped view, read back from the quantizer.
    private static (double S, double Z) CellOf(FakeQuantize fq, int index, int total)
    {
        var scales = fq.Scale.ToDoubleArray();
        var zeros = fq.ZeroPoint.ToDoubleArray();
        int cell = index / (total / scales.Length);
        return (scales[cell], zeros[cell]);
    }

    [Property(MaxTest = 60, Replay = Seed)]
    public Property OutputsLieOnTheGridWithinRange() => Prop.ForAll(WeightCases().ToArbitrary(), c =>
    {
        var fq = Calibrated(c.W, c.Rows, c.K, c.Spec, learn: false, DType.Float64);
        var output = fq.Forward(Variable.Constant(Tensor.From<double>(c.W, [c.Rows, c.K]))).Value.ToDoubleArray();
        for (int i = 0; i < output.Length; i++)
        {
            var (s, z) = CellOf(fq, i, output.Length);
            double code = output[i] / s + z;
            Assert.True(Math.Abs(code - Math.Round(code)) < 1e-6,
                $"element {i}: {output[i]} is not on the grid of step {s}");
            Assert.InRange(Math.Round(code), c.Spec.QMin, c.Spec.QMax);
        }
    });

    [Property(MaxTest = 60, Replay = Seed)]
    public Property ForwardEqualsTheKernelQuantizerBitForBit() => Prop.ForAll(WeightCases().ToArbitrary(), c =>
    {
        var fq = Calibrated(c.W, c.Rows, c.K, c.Spec, learn: false, DType.Float32);
        var w = Tensor.From<double>(c.W, [c.Rows, c.K]).Cast(DType.Float32);
        var output = fq.Forward(Variable.Constant(w)).Value.ToArray<float>();
        var input = w.ToArray<float>();
        for (int i = 0; i < input.Length; i++)
        {
            var (s, z) = CellOf(fq, i, input.Length);
            int q = QuantizeLinear.One(input[i], (float)s, (int)z, c.Spec.QMin, c.Spec.QMax);
            Assert.Equal((q - (float)z) * (float)s, output[i]);
        }
    });

    [Property(MaxTest = 60, Replay = Seed)]
    public Property GradientsFollowTheClippedSteAndLsqFormulas() => Prop.ForAll(WeightCases().ToArbitrary(), c =>
    {
        var fq = Calibrated(c.W, c.Rows, c.K, c.Spec, learn: true, DType.Float64);
        // Shrink the step so some values fall outside the range and exercise the clipped branch.
        var shrunk = fq.Scale.ToDoubleArray().Select(s => (float)(s * 0.6)).ToArray();
        fq.SetScales(shrunk, fq.ZeroPoint.ToDoubleArray().Select(z => (float)z).ToArray());
        var x = Variable.Parameter(Tensor.From<double>(c.W, [c.Rows, c.K]));
        var upstream = Tensor.RandomNormal([c.Rows, c.K], seed: c.W.Length, dtype: DType.Float64);
        fq.Forward(x).Backward(upstream);

        var g = upstream.ToDoubleArray();
        var gradX = x.Grad!.ToDoubleArray();
        var scaleParam = fq.NamedParameters().Single().Value;
        var gradS = scaleParam.Grad!.ToDoubleArray();
        var expectedS = new double[gradS.Length];
        double perScale = (double)c.W.Length / gradS.Length;
        double gradScale = 1 / Math.Sqrt(perScale * c.Spec.QMax);
        for (int i = 0; i < c.W.Length; i++)
        {
            var (s, z) = CellOf(fq, i, c.W.Length);
            double v = c.W[i] / s;
            double code = Math.Round(v, MidpointRounding.ToEven) + z;
            bool inside = code >= c.Spec.QMin && code <= c.Spec.QMax;
            double q = Math.Clamp(code, c.Spec.QMin, c.Spec.QMax) - z;
            Assert.Equal(inside ? g[i] : 0, gradX[i], 12);
            expectedS[i / (int)perScale] += g[i] * (inside ? q - v : q) * gradScale;
        }
        for (int j = 0; j < gradS.Length; j++) Assert.Equal(expectedS[j], gradS[j], 9);
    });

    [Fact]
    public void PerGroupScalesComeFromEachGroupsOwnRange()
    {
        // Two rows, two groups of 4: each group's absolute maximum sets its own step (absmax / 7 at 4 bits).
        double[] w = [1, -2, 0.5, 0, 7, 0, -3.5, 1, 0.1, 0.2, 0.3, -0.7, 14, -1, 2, 3];
        var fq = new FakeQuantize(new TensorQuantSpec(4, true, QuantGranularity.PerGroup, 4), QuantTarget.Weight,
            [2, 8]);
        fq.CalibrateWeight(Tensor.From<double>(w, [2, 8]).Cast(DType.Float32));
        Assert.Equal(new[] { 2, 2, 1 }, fq.Scale.ShapeToArray());
        var expected = new[] { 2.0 / 7, 7.0 / 7, 0.7 / 7, 14.0 / 7 };
        var actual = fq.Scale.ToDoubleArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 6);
    }

    [Fact]
    public void DisabledFakeQuantPassesValuesThrough()
    {
        var fq = new FakeQuantize(new TensorQuantSpec(3), QuantTarget.Weight, [2, 3]) { FakeQuantEnabled = false };
        var w = Tensor.From<float>([0.11f, -0.5f, 2, 3, 4, 5], [2, 3]);
        Assert.Equal(w.ToArray<float>(), fq.Forward(Variable.Constant(w)).Value.ToArray<float>());
    }

    [Fact]
    public void GroupSizeThatDoesNotDivideTheRowIsRejectedWithTheShapes()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new FakeQuantize(new TensorQuantSpec(4, true, QuantGranularity.PerGroup, 32), QuantTarget.Weight, [8, 5]));
        Assert.Contains("group size 32", error.Message);
        Assert.Contains("[8, 5]", error.Message);
    }

    [Fact]
    public void BitWidthOutsideTwoToEightIsRejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FakeQuantize(new TensorQuantSpec(9), QuantTarget.Weight, [2, 2]));
        Assert.Contains("2..8", error.Message);
    }
}
