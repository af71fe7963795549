using FsCheck;
using FsCheck.Xunit;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Autograd.Tests;

/// <summary>
/// The fused linear op (matmul with the weight read transposed, bias + activation, one backward node) against the
/// composition MatMul(x, W^T) + b followed by the activation: output and all three gradients in float64.
/// </summary>
public class LinearFusedProperties
{
    [Property(MaxTest = 15, Replay = "(20261205,27)")]
    public void MatchesTheUnfusedComposition(PositiveInt rows, PositiveInt inputs, PositiveInt outputs, bool withBias,
        int seed)
    {
        int n = 1 + rows.Get % 9, k = 1 + inputs.Get % 20, m = 1 + outputs.Get % 20;
        var x = Tensor.RandomNormal([n, k], seed, dtype: DType.Float64);
        var w = Tensor.RandomNormal([m, k], seed + 1, dtype: DType.Float64);
        var b = Tensor.RandomNormal([m], seed + 2, dtype: DType.Float64);
        var upstream = Tensor.RandomNormal([n, m], seed + 3, dtype: DType.Float64);
        foreach (var activation in Enum.GetValues<Activation>())
        {
            var (xa, wa, ba) = (Variable.Parameter(x), Variable.Parameter(w), Variable.Parameter(b));
            var fused = Variable.Linear(xa, wa, withBias ? ba : null, activation);
            fused.Backward(upstream);
            var (xb, wb, bb) = (Variable.Parameter(x), Variable.Parameter(w), Variable.Parameter(b));
            var z = Variable.MatMul(xb, wb.T);
            if (withBias) z = z + bb;
            var reference = activation switch { Activation.Relu => z.Relu(), Activation.Gelu => z.Gelu(), _ => z };
            reference.Backward(upstream);
            TensorAssert.AllClose(reference.Value, fused.Value, 1e-12, 1e-12);
            TensorAssert.AllClose(xb.Grad!, xa.Grad!, 1e-12, 1e-12);
            TensorAssert.AllClose(wb.Grad!, wa.Grad!, 1e-12, 1e-12);
            if (withBias) TensorAssert.AllClose(bb.Grad!, ba.Grad!, 1e-11, 1e-11);
        }
    }
}
