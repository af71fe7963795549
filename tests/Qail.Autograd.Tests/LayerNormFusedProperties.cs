using FsCheck;
using FsCheck.Xunit;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Autograd.Tests;

/// <summary>
/// The fused LayerNorm (one forward pass, one backward pass per row) against the composition of elementwise ops
/// it replaces, forward and every gradient in float64; and its float32 path against float64 far from zero.
/// </summary>
public class LayerNormFusedProperties
{
    [Property(MaxTest = 12, Replay = "(20261205,21)")]
    public void MatchesTheUnfusedComposition(PositiveInt rows, PositiveInt inner, int seed, bool twoDims, bool affine)
    {
        int[] shape = twoDims ? [1 + rows.Get % 4, 2, 1 + inner.Get % 5] : [1 + rows.Get % 4, 1 + inner.Get % 9];
        int dims = twoDims ? 2 : 1;
        var normShape = shape[^dims..];
        var x = Tensor.RandomNormal(shape, seed, dtype: DType.Float64) * 2.0 + 3.0;
        var w = Tensor.RandomUniform(normShape, seed + 1, 0.5, 1.5, DType.Float64);
        var b = Tensor.RandomNormal(normShape, seed + 2, dtype: DType.Float64);
        var upstream = Tensor.RandomNormal(shape, seed + 3, dtype: DType.Float64);
        var (xa, wa, ba) = (Variable.Parameter(x), Variable.Parameter(w), Variable.Parameter(b));
        var fused = Variable.LayerNorm(xa, dims, affine ? wa : null, affine ? ba : null);
        fused.Backward(upstream);
        var (xb, wb, bb) = (Variable.Parameter(x), Variable.Parameter(w), Variable.Parameter(b));
        var axes = Enumerable.Range(shape.Length - dims, dims).ToArray();
        var centred = xb - xb.Mean(axes, keepDim: true);
        var reference = centred * (centred.Square().Mean(axes, keepDim: true) + 1e-5).Sqrt().Reciprocal();
        if (affine) reference = reference * wb + bb;
        reference.Backward(upstream);
        TensorAssert.AllClose(reference.Value, fused.Value, 1e-10, 1e-10);
        TensorAssert.AllClose(xb.Grad!, xa.Grad!, 1e-9, 1e-9);
        if (!affine) return;
        TensorAssert.AllClose(wb.Grad!, wa.Grad!, 1e-9, 1e-9);
        TensorAssert.AllClose(bb.Grad!, ba.Grad!, 1e-9, 1e-9);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1000.0, 1.0)]
    [InlineData(-50.0, 0.01)]
    public void Float32AgreesWithFloat64FarFromZero(double offset, double spread)
    {
        var x32 = (Tensor.RandomNormal([6, 64], 41, dtype: DType.Float64) * spread + offset).Cast(DType.Float32);
        var g32 = Tensor.RandomNormal([6, 64], 42);
        var w32 = Tensor.RandomUniform([64], 43, 0.5, 1.5);
        var (y64, dx64) = Run(x32.Cast(DType.Float64), g32.Cast(DType.Float64), w32.Cast(DType.Float64));
        var (y32, dx32) = Run(x32, g32, w32);
        TensorAssert.AllClose(y64, y32.Cast(DType.Float64), 0, 2e-5);
        TensorAssert.AllClose(dx64, dx32.Cast(DType.Float64), 1e-4, 2e-4 / spread);
    }

    private static (Tensor Y, Tensor Dx) Run(Tensor x, Tensor g, Tensor w)
    {
        var input = Variable.Parameter(x);
        var y = Variable.LayerNorm(input, 1, Variable.Parameter(w));
        y.Backward(g);
        return (y.Value, input.Grad!);
    }
}
