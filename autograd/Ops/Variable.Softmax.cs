using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>Softmax over <paramref name="axis"/>; dx = y (g - sum(g y)).</summary>
    public Variable Softmax(int axis)
    {
        var y = Value.Softmax(axis);
        return Record(nameof(Softmax), y, [this], (g, _) =>
        {
            var gy = g * y;
            return [gy - y * gy.Sum([axis], keepDim: true)];
        });
    }

    /// <summary>Log-softmax over <paramref name="axis"/>; dx = g - softmax(x) sum(g).</summary>
    public Variable LogSoftmax(int axis)
    {
        var y = Value.LogSoftmax(axis);
        return Record(nameof(LogSoftmax), y, [this], (g, _) => [g - y.Exp() * g.Sum([axis], keepDim: true)]);
    }
}
