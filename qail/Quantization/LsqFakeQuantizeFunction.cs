using Qail.Autograd;
using Qail.Engine;

namespace Qail.Quantization;

/// <summary>
/// Fake quantization x' = (clamp(round(x / s) + z, qmin, qmax) - z) * s as a differentiable op.
/// Backward: the clipped straight-through estimator for x (gradient 1 inside the grid's range, 0 outside) and
/// the LSQ step-size gradient for s: (q - z) - x/s inside the range, (q - z) outside, scaled by
/// <c>gradScale</c> = 1/sqrt(elements per scale x qmax) (Esser et al., 2020) and summed over each scale's elements.
/// Rounding is half-to-even, the same as the integer kernels, so the forward equals export bit for bit.
/// </summary>
internal sealed class LsqFakeQuantizeFunction(int qMin, int qMax, Tensor zeroPoint, double gradScale,
    Tensor? roundingNoise) : CustomFunction
{
    public override string Name => "FakeQuantize";

    protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
    {
        var (x, scale) = (inputs[0], inputs[1]);
        var scaled = Tensor.Div(x, scale);
        // Stochastic rounding: round(v + u - 1/2) with u ~ U[0,1) rounds up with probability frac(v).
        var shifted = roundingNoise is null ? scaled : Tensor.Add(scaled, roundingNoise);
        var codes = Tensor.Add(shifted.Round(), zeroPoint);
        var clamped = codes.Clamp(qMin, qMax);
        var centred = Tensor.Sub(clamped, zeroPoint);
        context.SaveForBackward(scaled, codes, centred);
        return Tensor.Mul(centred, scale);
    }

    protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput)
    {
        var (scaled, codes, centred) = (context.SavedTensors[0], context.SavedTensors[1], context.SavedTensors[2]);
        var inside = Tensor.Mul(Tensor.Ge(codes, qMin).Cast(gradOutput.DType),
            Tensor.Le(codes, qMax).Cast(gradOutput.DType));
        Tensor? gradX = context.NeedsInputGrad(0) ? Tensor.Mul(gradOutput, inside) : null;
        Tensor? gradStep = null;
        if (context.NeedsInputGrad(1))
        {
            var local = Tensor.Sub(centred, Tensor.Mul(scaled, inside));
            gradStep = Tensor.Mul(Tensor.Mul(gradOutput, local), gradScale).SumToShape(context.InputShapes[1].AsSpan());
        }
        return [gradX, gradStep];
    }
}
