using FsCheck;
using FsCheck.Xunit;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Autograd.Tests;

/// <summary>
/// The fused bias + activation (identity, ReLU, GELU) against the add followed by the activation op: the output and
/// the input and bias gradients in float64; the float32 ReLU forward equal to the two ops bit for bit.
/// </summary>
public class BiasActivationFusedProperties
{
    [Property(MaxTest = 20, Replay = "(20261205,23)")]
    public void MatchesTheUnfusedComposition(PositiveInt rows, PositiveInt columns, bool withBias, bool threeDims,
        int seed)
    {
        int r = 1 + rows.Get % 6, c = 1 + columns.Get % 300;
        int[] shape = threeDims ? [2, r, c] : [r, c];
        var x = Tensor.RandomNormal(shape, seed, dtype: DType.Float64) * 2.0;
        var b = Tensor.RandomNormal([c], seed + 1, dtype: DType.Float64);
        var upstream = Tensor.RandomNormal(shape, seed + 2, dtype: DType.Float64);
        foreach (var activation in Enum.GetValues<Activation>())
        {
            var (xa, ba) = (Variable.Parameter(x), Variable.Parameter(b));
            var fused = Variable.BiasActivation(xa, withBias ? ba : null, activation);
            fused.Backward(upstream);
            var (xb, bb) = (Variable.Parameter(x), Variable.Parameter(b));
            var z = withBias ? xb + bb : xb * 1.0;
            var reference = activation switch { Activation.Relu => z.Relu(), Activation.Gelu => z.Gelu(), _ => z };
            reference.Backward(upstream);
            TensorAssert.AllClose(reference.Value, fused.Value, 1e-13, 1e-13);
            TensorAssert.AllClose(xb.Grad!, xa.Grad!, 1e-12, 1e-12);
            if (withBias) TensorAssert.AllClose(bb.Grad!, ba.Grad!, 1e-11, 1e-11);
        }
    }

    [Property(MaxTest = 10, Replay = "(20261205,25)")]
    public void Float32ForwardEqualsTheTwoOps(PositiveInt rows, PositiveInt columns, int seed)
    {
        int r = 1 + rows.Get % 5, c = 1 + columns.Get % 70;
        var x = Tensor.RandomNormal([r, c], seed) * 3.0;
        var b = Tensor.RandomNormal([c], seed + 1);
        Assert.Equal((x + b).Relu().ToArray<float>(), Tensor.BiasActivation(x, b, Activation.Relu).ToArray<float>());
        TensorAssert.AllClose((x + b).Gelu(), Tensor.BiasActivation(x, b, Activation.Gelu), 1e-6, 1e-6);
    }

    [Fact]
    public void ABiasOfTheWrongWidthIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Tensor.BiasActivation(Tensor.Zeros([2, 3]), Tensor.Zeros([4]), Activation.Relu));
        Assert.Contains("bias [4] must be [3]", e.Message);
    }
}
