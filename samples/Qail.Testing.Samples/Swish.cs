using Qail.Autograd;
using Qail.Engine;

namespace Qail.Testing.Samples;

/// <summary>A user's custom activation: swish(x) = x * sigmoid(x), with its hand-derived backward.</summary>
public class Swish : CustomFunction
{
    protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
    {
        context.SaveForBackward(inputs[0]);
        return inputs[0] * inputs[0].Sigmoid();
    }

    // d/dx x s(x) = s + x s (1 - s)
    protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput)
    {
        var x = context.SavedTensors[0];
        var s = x.Sigmoid();
        return [gradOutput * (s + x * s * (1.0 - s))];
    }
}

/// <summary>The same activation with a classic slip in the backward: the x s (1 - s) term is missing.</summary>
public sealed class BrokenSwish : Swish
{
    protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput) =>
        [gradOutput * context.SavedTensors[0].Sigmoid()];
}
