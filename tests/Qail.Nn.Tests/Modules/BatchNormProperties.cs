using FsCheck;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Nn.Tests.Modules;

/// <summary>
/// The fused BatchNorm2d (training and evaluation) against the unfused composition of elementwise ops, forward and
/// backward in float64 over random shapes, and its float32 path against float64 on data far from zero.
/// </summary>
public class BatchNormProperties
{
    private const double Eps = 1e-5;

    [Property(MaxTest = 10, Replay = "(20261205,13)")]
    public void TrainingMatchesTheUnfusedComposition(
        PositiveInt n, PositiveInt c, PositiveInt h, PositiveInt w, int seed)
    {
        int[] shape = [1 + n.Get % 3, 1 + c.Get % 4, 1 + h.Get % 4, 1 + w.Get % 5];
        if (shape[0] * shape[2] * shape[3] < 2) shape[0] = 2;
        var bn = Layer(shape[1], seed);
        var x = Tensor.RandomNormal(shape, seed, dtype: DType.Float64) * 3.0 + 2.0;
        var upstream = Tensor.RandomNormal(shape, seed + 1, dtype: DType.Float64);
        AssertSameForwardAndBackward(bn, x, upstream, (xv, gamma, beta) =>
        {
            int[] axes = [0, 2, 3];
            var mean = xv.Mean(axes, keepDim: true);
            var centred = xv - mean;
            var variance = centred.Square().Mean(axes, keepDim: true);
            var rstd = (variance + Eps).Sqrt().Reciprocal();
            return centred * rstd * gamma.Reshape(1, -1, 1, 1) + beta.Reshape(1, -1, 1, 1);
        });
    }

    [Property(MaxTest = 10, Replay = "(20261205,17)")]
    public void EvaluationMatchesTheUnfusedComposition(PositiveInt n, PositiveInt c, PositiveInt h, int seed)
    {
        int[] shape = [1 + n.Get % 3, 1 + c.Get % 4, 1 + h.Get % 4, 3];
        var bn = Layer(shape[1], seed);
        var warmup = Tensor.RandomNormal([4, shape[1], 2, 2], seed + 2, dtype: DType.Float64) * 2.0 + 1.0;
        using (GradMode.NoGrad()) bn.Forward(Variable.Constant(warmup));
        bn.Eval();
        var x = Tensor.RandomNormal(shape, seed, dtype: DType.Float64);
        var upstream = Tensor.RandomNormal(shape, seed + 1, dtype: DType.Float64);
        var rstd = Variable.Constant((bn.RunningVar + Eps).Sqrt().Reciprocal().Reshape(1, -1, 1, 1));
        var mean = Variable.Constant(bn.RunningMean.Reshape(1, -1, 1, 1));
        AssertSameForwardAndBackward(bn, x, upstream,
            (xv, gamma, beta) => (xv - mean) * rstd * gamma.Reshape(1, -1, 1, 1) + beta.Reshape(1, -1, 1, 1));
    }

    [Property(MaxTest = 6, Replay = "(20261205,19)")]
    public void GradientsMatchFiniteDifferencesInBothModes(PositiveInt c, PositiveInt h, int seed, bool training)
    {
        var bn = Layer(1 + c.Get % 3, seed);
        if (!training)
        {
            var warmup = ModuleGradCheck.Input([3, bn.Channels, 2, 2], seed) * 2.0 + 1.0;
            using (GradMode.NoGrad()) bn.Forward(Variable.Constant(warmup));
            bn.Eval();
        }
        ModuleGradCheck.Check(bn, ModuleGradCheck.Input([2, bn.Channels, 1 + h.Get % 3, 3], seed + 1));
    }

    [Theory]
    [InlineData(0.0, 1.0, 8, 8)]
    [InlineData(1000.0, 1.0, 8, 8)]
    [InlineData(-50.0, 1e-2, 40, 40)]
    public void Float32AgreesWithFloat64FarFromZero(double offset, double spread, int height, int width)
    {
        // 40 x 40 planes exceed the kernels' summation chunk, so the chunked double accumulation is covered too.
        int[] shape = [3, 2, height, width];
        var x64 = Tensor.RandomNormal(shape, 21, dtype: DType.Float64) * spread + offset;
        var x32 = x64.Cast(DType.Float32);
        var g32 = Tensor.RandomNormal(shape, 22);
        var exact = Run(new BatchNorm2d(2, dtype: DType.Float64), x32.Cast(DType.Float64), g32.Cast(DType.Float64));
        var fast = Run(new BatchNorm2d(2), x32, g32);
        // The normalised output and dx are O(1) and O(1/spread); float32 keeps them to a few ulps of that scale.
        TensorAssert.AllClose(exact.Y, fast.Y.Cast(DType.Float64), rtol: 0, atol: 2e-5);
        TensorAssert.AllClose(exact.Dx, fast.Dx.Cast(DType.Float64), rtol: 1e-4, atol: 2e-4 / spread);
        TensorAssert.AllClose(exact.RunningMean, fast.RunningMean.Cast(DType.Float64), rtol: 1e-6, atol: 1e-6 * spread);
    }

    private static (Tensor Y, Tensor Dx, Tensor RunningMean) Run(BatchNorm2d bn, Tensor x, Tensor upstream)
    {
        var input = Variable.Parameter(x);
        var y = bn.Forward(input);
        y.Backward(upstream);
        return (y.Value, input.Grad!, bn.RunningMean);
    }

    private static BatchNorm2d Layer(int channels, int seed)
    {
        var bn = new BatchNorm2d(channels, Eps, dtype: DType.Float64);
        var gamma = Tensor.RandomUniform([channels], seed, 0.5, 1.5, DType.Float64);
        bn.ReplaceParameter("weight", Variable.Parameter(gamma));
        bn.ReplaceParameter("bias",
            Variable.Parameter(Tensor.RandomNormal([channels], seed + 3, dtype: DType.Float64)));
        return bn;
    }

    private static void AssertSameForwardAndBackward(BatchNorm2d bn, Tensor x, Tensor upstream,
        Func<Variable, Variable, Variable, Variable> unfused)
    {
        var xa = Variable.Parameter(x);
        var fused = bn.Forward(xa);
        fused.Backward(upstream);
        var xb = Variable.Parameter(x);
        var (gamma, beta) = (Variable.Parameter(bn.Weight.Value), Variable.Parameter(bn.Bias.Value));
        var reference = unfused(xb, gamma, beta);
        reference.Backward(upstream);
        TensorAssert.AllClose(reference.Value, fused.Value, rtol: 1e-10, atol: 1e-10);
        TensorAssert.AllClose(xb.Grad!, xa.Grad!, rtol: 1e-9, atol: 1e-9);
        TensorAssert.AllClose(gamma.Grad!, bn.Weight.Grad!, rtol: 1e-9, atol: 1e-9);
        TensorAssert.AllClose(beta.Grad!, bn.Bias.Grad!, rtol: 1e-9, atol: 1e-9);
    }
}
