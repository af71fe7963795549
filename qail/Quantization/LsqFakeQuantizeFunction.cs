using Qail.Autograd;
using Qail.Engine;

namespace Qail.Quantization;

/// <summary>
/// Fake quantization x' = (clamp(round(x / s) + z, qmin, qmax) - z) * s as a differentiable op.
/// Backward: the clipped straight-through estimator for x (gradient 1 inside the grid's range, 0 outside) and
/// the LSQ step-size gradient for s: (q - z) - x/s inside the range, (q - z) outside, scaled by
/// <c>gradScale</c> = 1/sqrt(elements per scale x qmax) (Esser et al., 2020) and summed over each scale's elements.
/// Rounding is half-to-even, the same as the integer kernels, so the forward equals export bit for bit. Both passes
/// are single fused engine ops (<see cref="Tensor.FakeQuantize"/>); the backward recomputes the grid from x and s
/// rather than keeping three input-sized tensors from the forward.
/// </summary>
internal sealed class LsqFakeQuantizeFunction(int qMin, int qMax, Tensor zeroPoint, double gradScale,
    Tensor? roundingNoise) : CustomFunction
{
    public override string Name => "FakeQuantize";

    protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
    {
        var (x, scale) = (inputs[0], inputs[1]);
        context.SaveForBackward(x, scale);
        // Stochastic rounding: round(v + u - 1/2) with u ~ U[0,1) rounds up with probability frac(v).
        return Tensor.FakeQuantize(x, scale, zeroPoint, qMin, qMax, roundingNoise);
    }

    protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput)
    {
        var (x, scale) = (context.SavedTensors[0], context.SavedTensors[1]);
        var (gradX, gradStep) = Tensor.FakeQuantizeBackward(gradOutput, x, scale, zeroPoint, qMin, qMax,
            roundingNoise, gradScale, context.NeedsInputGrad(0), context.NeedsInputGrad(1));
        return [gradX, gradStep];
    }
}
