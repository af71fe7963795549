using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

/// <summary>
/// The vectorised sign and the fused ReLU gradient against the scalar definition, bit for bit; the fused GELU
/// gradient against the composition of elementwise ops it replaces.
/// </summary>
public class ActivationGradientTests
{
    private static readonly double[] Specials =
        [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-320];

    private static Gen<double[]> Values(int length) =>
        Gen.ArrayOf(Gen.OneOf(Gen.Elements(Specials), Gen.Choose(-1000, 1000).Select(v => v / 7.0)), length);

    [Property(MaxTest = 40, Replay = Ref.Seed)]
    public Property SignAndReluBackwardMatchTheScalarDefinition() => Prop.ForAll(
        Gen.Choose(0, 70).SelectMany(n => Values(n).SelectMany(y => Values(n).Select(g => (y, g)))).ToArbitrary(), c =>
        {
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            {
                var y = Tensor.From<double>(c.y).Cast(dtype);
                var g = Tensor.From<double>(c.g).Cast(dtype);
                var ys = y.ToDoubleArray();
                var gs = g.ToDoubleArray();
                var sign = y.Sign().ToDoubleArray();
                var relu = Tensor.ReluBackward(g, y).ToDoubleArray();
                for (int i = 0; i < ys.Length; i++)
                {
                    double s = ys[i] > 0 ? 1 : ys[i] < 0 ? -1 : ys[i];
                    double expected = dtype == DType.Float32 ? (float)gs[i] * (float)s : gs[i] * s;
                    Assert.Equal(BitConverter.DoubleToInt64Bits(s), BitConverter.DoubleToInt64Bits(sign[i]));
                    Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(relu[i]));
                }
            }
        });

    [Fact]
    public void ReluBackwardBroadcastsLikeTheTwoOps()
    {
        var g = Tensor.RandomNormal([3, 1], 1);
        var y = Tensor.RandomNormal([3, 4], 2).Relu();
        Assert.Equal((g * y.Sign()).ToDoubleArray(), Tensor.ReluBackward(g, y).ToDoubleArray());
    }

    [Property(MaxTest = 30, Replay = Ref.Seed)]
    public Property GeluBackwardMatchesTheComposition() => Prop.ForAll(
        Gen.Choose(0, 600).SelectMany(n => Gen.ArrayOf(Gen.Choose(-8000, 8000).Select(v => v / 1000.0), n))
            .ToArbitrary(), v =>
        {
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            {
                var x = Tensor.From<double>(v).Cast(dtype);
                var g = Tensor.RandomNormal([v.Length], v.Length, dtype: dtype);
                const double a = 0.044715;
                double c = Math.Sqrt(2.0 / Math.PI);
                var x2 = x.Square();
                var t = ((x + x * x2 * a) * c).Tanh();
                var composed = g * ((t + 1.0) * 0.5 + x * (1.0 - t.Square()) * (x2 * (3 * a) + 1.0) * (0.5 * c));
                double tolerance = dtype == DType.Float32 ? 2e-6 : 1e-13;
                TensorAssert.AllClose(composed, Tensor.GeluBackward(g, x), tolerance, tolerance);
                var forward = x * 0.5 * (t + 1.0);
                TensorAssert.AllClose(forward, x.Gelu(), tolerance, tolerance);
            }
        });

    [Property(MaxTest = 30, Replay = Ref.Seed)]
    public Property SoftmaxBackwardsMatchTheComposition() => Prop.ForAll(
        TensorGen.Shape(1, 3, 7, 200, allowZero: true).SelectMany(shape => Gen.Choose(0, shape.Length - 1)
            .SelectMany(axis => Gen.Choose(0, 1000).Select(seed => (shape, axis, seed)))).ToArbitrary(), c =>
        {
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            {
                var x = Tensor.RandomNormal(c.shape, c.seed, dtype: dtype) * 3.0;
                var g = Tensor.RandomNormal(c.shape, c.seed + 1, dtype: dtype);
                double tolerance = dtype == DType.Float32 ? 1e-5 : 1e-13;
                var y = x.Softmax(c.axis);
                var gy = g * y;
                TensorAssert.AllClose(gy - y * gy.Sum([c.axis], keepDim: true), Tensor.SoftmaxBackward(g, y, c.axis),
                    tolerance, tolerance);
                var logY = x.LogSoftmax(c.axis);
                TensorAssert.AllClose(g - logY.Exp() * g.Sum([c.axis], keepDim: true),
                    Tensor.LogSoftmaxBackward(g, logY, c.axis), tolerance, tolerance);
            }
        });
}
