using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>Softmax over <paramref name="axis"/>; dx = y (g - sum(g y)).</summary>
    public Variable Softmax(int axis)
    {
        var y = Value.Softmax(axis);
        // dx = y (g - sum(g y)) along the axis, fused.
        return Record(nameof(Softmax), y, [this], (g, _) => [Tensor.SoftmaxBackward(g, y, axis)]);
    }

    /// <summary>Log-softmax over <paramref name="axis"/>; dx = g - softmax(x) sum(g).</summary>
    public Variable LogSoftmax(int axis)
    {
        var y = Value.LogSoftmax(axis);
        // dx = g - exp(y) sum(g) along the axis, fused.
        return Record(nameof(LogSoftmax), y, [this], (g, _) => [Tensor.LogSoftmaxBackward(g, y, axis)]);
    }
}
