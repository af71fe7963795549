using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>
    /// activation(input + bias) as one op (<see cref="Tensor.BiasActivation"/>), bias [C] over the last dimension or
    /// null; the backward pass forms dz = g activation'(.) and the bias gradient (column sums) in one pass.
    /// </summary>
    public static Variable BiasActivation(Variable input, Variable? bias, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (x, b) = (input.Value, bias?.Value);
        var y = Tensor.BiasActivation(x, b, activation);
        Variable[] inputs = bias is null ? [input] : [input, bias];
        return Record(nameof(BiasActivation), y, inputs, (g, n) =>
        {
            var (dz, db) = Tensor.BiasActivationBackward(g, x, b, y, activation);
            return bias is null ? [dz] : [n[0] ? dz : null, n[1] ? db : null];
        });
    }
}
